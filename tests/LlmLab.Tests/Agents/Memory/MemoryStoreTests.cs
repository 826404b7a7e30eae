using System.Text;
using LlmLab.Agents.Memory;
using Microsoft.Data.Sqlite;

namespace LlmLab.Tests.Agents.Memory;

/// <summary>The SQLite memory store: facts supersede with history, writes are idempotent, two sessions write at once,
/// data survives reopening, and deletion removes text and embeddings from the database files' bytes.</summary>
public sealed class MemoryStoreTests : IDisposable
{
    const int Dims = 8;
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-memstore-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    string Db => Path.Combine(_root, "m.db");

    static float[] Vec(int seed)
    {
        var rng = new Random(seed);
        return LlmLab.Retrieval.VectorMath.Normalized(Enumerable.Range(0, Dims).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray());
    }

    static ExtractedFact Lives(string city) => new("lives_in", city, $"The user lives in {city}.", 0.9);

    [Fact]
    public void ANewValueSupersedesTheOldOneWhichStaysAsHistory()
    {
        var t0 = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using (var store = MemoryStore.Open(Db, "test", Dims))
        {
            store.AppendMessage("u", "s1", 0, "user", "I live in Paris.", t0, 0.6, Vec(1), [(Lives("Paris"), Vec(2))]);
            store.AppendMessage("u", "s1", 1, "assistant", "Paris is lovely.", t0, 0.1, Vec(3));
            store.AppendMessage("u", "s2", 0, "user", "I live in paris, still.", t0.AddDays(1), 0.6, Vec(4), [(Lives("paris"), Vec(5))]);
            store.AppendMessage("u", "s3", 0, "user", "I moved to Lyon.", t0.AddDays(2), 0.6, Vec(6), [(Lives("Lyon"), Vec(7))]);
        }
        using (var store = MemoryStore.Open(Db, "test", Dims)) // reopened: everything persisted
        {
            var current = Assert.Single(store.Facts("u"));
            Assert.Equal("Lyon", current.Value);
            var all = store.Facts("u", history: true);
            Assert.Equal(2, all.Count); // "paris" repeated the current value: not a new fact
            Assert.Equal(current.Id, all[0].SupersededBy);
            var messages = store.Messages("u");
            Assert.True(messages.Single(m => m.Text == "I live in Paris.").Stale);
            Assert.True(messages.Single(m => m.Text == "Paris is lovely.").Stale); // the reply to a stale message
            Assert.False(messages.Single(m => m.Text == "I moved to Lyon.").Stale);
        }
    }

    [Fact]
    public void WritingATurnAgainIsANoOpAndAnotherEmbeddingModelIsRefused()
    {
        var t = DateTimeOffset.UtcNow;
        using (var store = MemoryStore.Open(Db, "test", Dims))
        {
            var (id, added) = store.AppendMessage("u", "s", 0, "user", "I live in Oslo.", t, 0.6, Vec(1), [(Lives("Oslo"), Vec(2))]);
            var (again, addedAgain) = store.AppendMessage("u", "s", 0, "user", "I live in Oslo.", t, 0.6, Vec(1), [(Lives("Oslo"),
                Vec(2))]);
            Assert.True(added);
            Assert.False(addedAgain);
            Assert.Equal(id, again);
            Assert.Single(store.Messages("u"));
            Assert.Single(store.Facts("u", history: true));
            Assert.Equal(1, store.NextSeq("u", "s"));
        }
        var e = Assert.Throws<InputException>(() => MemoryStore.Open(Db, "other-model", Dims));
        Assert.Contains("use the same model", e.Message);
        File.WriteAllText(Path.Combine(_root, "text.db"), "not a database at all, just text that is long enough to be read");
        Assert.Throws<InputException>(() => MemoryStore.Open(Path.Combine(_root, "text.db"), "test", Dims));
    }

    [Fact]
    public async Task TwoSessionsOfOneUserWritingAtOnceLoseNothingAndKeepOneCurrentFact()
    {
        const int turns = 150;
        var t0 = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using (MemoryStore.Open(Db, "test", Dims)) { } // creates the schema once
        var start = new Barrier(2);
        var writers = new[] { "a", "b" }.Select(session => Task.Factory.StartNew(() =>
        {
            using var store = MemoryStore.Open(Db, "test", Dims); // its own connection, as a second process would have
            start.SignalAndWait();
            for (int i = 0; i < turns; i++)
            {
                string city = $"City{session}{i}";
                store.AppendMessage("u", session, i, "user", $"I live in {city}.", t0.AddMinutes(i), 0.6, Vec(i), [(Lives(city),
                    Vec(i + 1))]);
            }
        }, TaskCreationOptions.LongRunning)).ToArray(); // two real threads: the barrier needs both at once
        await Task.WhenAll(writers);
        using var check = MemoryStore.Open(Db, "test", Dims);
        var messages = check.Messages("u");
        Assert.Equal(2 * turns, messages.Count);
        foreach (string s in new[] { "a", "b" })
            Assert.Equal(Enumerable.Range(0, turns).Select(i => (long)i), messages.Where(m => m.Session == s).Select(m => m.FirstSeq));
        var facts = check.Facts("u", history: true);
        Assert.Equal(2 * turns, facts.Count);
        Assert.Single(facts, f => f.SupersededBy is null);
        // The history is one chain: every superseded fact points at a newer fact that exists, and each is pointed at once.
        var ids = facts.Select(f => f.Id).ToHashSet();
        Assert.All(facts.Where(f => f.SupersededBy is not null),
            f => Assert.True(ids.Contains(f.SupersededBy!.Value) && f.SupersededBy > f.Id));
        Assert.Equal(2 * turns - 1, facts.Where(f => f.SupersededBy is not null).Select(f => f.SupersededBy).Distinct().Count());
    }

    [Fact]
    public void DeleteRemovesTheTextAndTheEmbeddingFromTheDatabaseFilesBytes()
    {
        const string secret = "Zanzibar-7731 is my secret lake house";
        var t = DateTimeOffset.UtcNow;
        float[] secretVector = Vec(99);
        using (var store = MemoryStore.Open(Db, "test", Dims))
        {
            for (int i = 0; i < 50; i++) store.AppendMessage("u", "s", i, "user", $"ordinary message number {i}", t, 0.3, Vec(i));
            store.AppendMessage("u", "s", 50, "user", secret, t, 0.6, secretVector,
                [(new ExtractedFact("secret", "Zanzibar-7731", "The user's lake house is Zanzibar-7731.", 0.9), Vec(100))]);
            store.AddSummary("u", "s", 0, 50, "The user mentioned Zanzibar-7731.", t, 0.5, Vec(101));
            store.AppendMessage("other", "s", 0, "user", "a message of another user", t, 0.3, Vec(5));
        }
        byte[] vectorBytes = new byte[Dims * 4];
        Buffer.BlockCopy(secretVector, 0, vectorBytes, 0, vectorBytes.Length);
        // Before: the text and the embedding are in the files (so the scan below can fail).
        Assert.True(FilesContain(Encoding.UTF8.GetBytes("Zanzibar-7731")), "the scan does not see the stored text");
        Assert.True(FilesContain(vectorBytes), "the scan does not see the stored embedding");

        var (code, output, err) = CliRun.Run("chat", "memories", "delete", "--user", "u", "--db", Db, "--match", "zanzibar");
        Assert.True(code == 0, err);
        Assert.Contains("deleted 1 messages, 1 facts and 1 summaries", output);
        Assert.False(FilesContain(Encoding.UTF8.GetBytes("Zanzibar-7731")), "deleted text is still in the database files");
        Assert.False(FilesContain(vectorBytes), "the deleted embedding is still in the database files");
        using (var store = MemoryStore.Open(Db, "test", Dims))
        {
            Assert.Equal(50, store.Messages("u").Count);
            Assert.Single(store.Messages("other"));
        }
        (code, output, err) = CliRun.Run("chat", "memories", "delete", "--user", "u", "--db", Db, "--all");
        Assert.True(code == 0, err);
        Assert.False(FilesContain(Encoding.UTF8.GetBytes("ordinary message number 17")), "a message deleted with --all is still there");
        Assert.True(FilesContain(Encoding.UTF8.GetBytes("a message of another user")), "another user's memory was lost");
    }

    bool FilesContain(byte[] needle)
    {
        SqliteConnection.ClearAllPools();
        foreach (string f in new[] { Db, Db + "-wal", Db + "-shm" })
        {
            if (!File.Exists(f)) continue;
            byte[] bytes = File.ReadAllBytes(f);
            if (bytes.AsSpan().IndexOf(needle) >= 0) return true;
        }
        return false;
    }
}
