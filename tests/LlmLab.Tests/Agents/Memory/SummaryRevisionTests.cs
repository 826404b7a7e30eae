using LlmLab.Agents.Memory;
using Microsoft.Data.Sqlite;

namespace LlmLab.Tests.Agents.Memory;

/// <summary>A session summary written before a fact changed is brought up to date when the newer fact is stored, so the
/// old value cannot come back through it; the old fact stays as history.</summary>
public sealed class SummaryRevisionTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-memrevise-").FullName;
    static readonly DateTimeOffset T0 = new(2024, 1, 8, 18, 0, 0, TimeSpan.Zero);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    static MemoryRecord Fact(long id, string key, string value, string text, DateTimeOffset at) =>
        new(MemoryKind.Fact, id, "u", "s", text, at, 0.8, 0, 0, [], Key: key, Value: value);

    [Fact]
    public async Task A_fact_then_a_summary_then_an_update_then_the_question_gives_the_new_value()
    {
        var encoder = MemoryEvalTests.MiniLm.Value;
        using var store = MemoryStore.Open(Path.Combine(_root, "m.db"), encoder.ModelId, encoder.Dimensions);
        var one = new MemoryChat(store, encoder, "ana", "one");
        await one.StartAsync();
        await one.RecordAsync("user", "I live in Paris.", T0);
        await one.RecordAsync("assistant", "Paris is a lovely city to live in.", T0.AddMinutes(1));
        await one.RecordAsync("user", "I have a cat named Tom.", T0.AddMinutes(2));
        var two = new MemoryChat(store, encoder, "ana", "two");
        Assert.Equal(1, await two.StartAsync());                                             // session one is summarised
        Assert.Contains("I live in Paris", store.Summaries("ana").Single().Text);
        await two.RecordAsync("user", "Big news: I moved to Lyon!", T0.AddDays(30));

        var summary = store.Summaries("ana").Single();
        Assert.DoesNotContain("Paris", summary.Text);
        Assert.Contains("I live in Lyon (updated on 2024-02-07)", summary.Text);
        Assert.Contains("I have a cat named Tom.", summary.Text);                            // the rest of the summary stays
        Assert.Contains(store.Facts("ana", history: true), f => f.Value == "Paris" && f.SupersededBy is not null); // history kept
        var vector = LlmLab.Retrieval.VectorMath.Normalized(encoder.Embed([summary.Text])[0]);
        Assert.True(LlmLab.Retrieval.VectorMath.Dot(vector, summary.Embedding) > 0.9999, "the summary was re-embedded");

        var three = new MemoryChat(store, encoder, "ana", "three", clock: new FixedClock(T0.AddDays(31)));
        await three.StartAsync();
        var turn = await three.SendAsync("Which city do I live in now?");
        Assert.Contains("Lyon", turn.Reply);
        Assert.DoesNotContain("Paris", turn.Reply);
        Assert.DoesNotContain(turn.Recalled, r => r.Record.Text.Contains("Paris", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_sentence_that_states_the_old_fact_is_rewritten_once_and_a_chain_of_updates_follows()
    {
        var reviser = new SummaryReviser(null!, new RuleFactExtractor(), (_, _) => Task.FromResult(Array.Empty<float>()));
        const string summary = "On 2024-01-08 the user said: I live in Paris, near the canal. My sister lives in Paris too. I love pizza.";
        var paris = Fact(1, "lives_in", "Paris", "The user lives in Paris.", T0);
        var lyon = Fact(2, "lives_in", "Lyon", "The user lives in Lyon.", T0.AddDays(30));
        string once = await reviser.ReviseAsync(summary, paris, lyon);
        // Only the sentence the extractor reads lives_in = Paris in: the sister's city is another slot.
        Assert.Equal("On 2024-01-08 the user said: I live in Lyon, near the canal (updated on 2024-02-07). " +
            "My sister lives in Paris too. I love pizza.", once);
        Assert.Equal(once, await reviser.ReviseAsync(once, paris, lyon));                    // idempotent
        var marseille = Fact(3, "lives_in", "Marseille", "The user lives in Marseille.", T0.AddDays(60));
        string twice = await reviser.ReviseAsync(once, lyon, marseille);
        Assert.Equal("On 2024-01-08 the user said: I live in Marseille, near the canal (updated on 2024-03-08). " +
            "My sister lives in Paris too. I love pizza.", twice);
        // A yes/no slot: the sentence carries no value to replace, so it is marked with the current fact.
        var likes = Fact(4, "likes/pizza", "yes", "The user likes pizza.", T0);
        var dislikes = Fact(5, "likes/pizza", "no", "The user no longer likes pizza.", T0.AddDays(9));
        Assert.EndsWith("I love pizza (updated on 2024-01-17: The user no longer likes pizza).",
            await reviser.ReviseAsync(twice, likes, dislikes));
    }
}
