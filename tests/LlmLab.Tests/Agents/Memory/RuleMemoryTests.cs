using LlmLab.Agents.Memory;

namespace LlmLab.Tests.Agents.Memory;

/// <summary>The rule-based fact extractor and summariser on known sentences.</summary>
public sealed class RuleMemoryTests
{
    [Theory]
    [InlineData("My name is Alice, by the way.", "name", "Alice")]
    [InlineData("Big news: today I moved to Lyon!", "lives_in", "Lyon")]
    [InlineData("I live in New York City with my family.", "lives_in", "New York City")]
    [InlineData("I joined Acme Robotics as a backend engineer.", "works_at", "Acme Robotics")]
    [InlineData("I switched careers: I'm working as a midwife now.", "job", "midwife")]
    [InlineData("My favourite colour is now blue, I repainted the kitchen.", "favorite/colour", "blue")]
    [InlineData("I have a dog named Biscuit, he is a beagle.", "pet_name/dog", "Biscuit")]
    [InlineData("My mother's name is Li, she visited last weekend.", "name_of/mother", "Li")]
    [InlineData("My sister is called Emma and she lives in Brussels.", "name_of/sister", "Emma")]
    [InlineData("I'm allergic to peanuts, which makes eating out tricky.", "allergy/peanuts", "yes")]
    [InlineData("I no longer like running.", "likes/running", "no")]
    public void KnownSentencesGiveTheirFact(string sentence, string key, string value)
    {
        var facts = new RuleFactExtractor().Extract(sentence);
        Assert.Contains(facts, f => f.Key == key && f.Value == value);
    }

    [Theory]
    [InlineData("Where do I live?")]
    [InlineData("Today was rainy and I mostly stayed inside reading.")]
    [InlineData("That sounds great!")]
    public void QuestionsAndSmallTalkGiveNoFact(string sentence) => Assert.Empty(new RuleFactExtractor().Extract(sentence));

    [Fact]
    public void TheSummaryKeepsTheUsersFactsFirstWithinTheBudget()
    {
        var t = new DateTimeOffset(2024, 3, 2, 10, 0, 0, TimeSpan.Zero);
        MemoryRecord M(string role, string text, int seq) => new(MemoryKind.Message, seq, "u", "s", text, t, 0.3, seq, seq, [], Role: role);
        string summary = new RuleSummarizer().Summarize([M("user", "The weather was grey and cold all day long today.", 0),
            M("assistant", "Sorry to hear that.", 1), M("user", "I moved to Lyon.", 2), M("user", "I have a cat named Mimi.", 3)], 15);
        Assert.Equal("On 2024-03-02 the user said: I moved to Lyon. I have a cat named Mimi.", summary);
    }

    [Fact]
    public void ARecursiveSummaryKeepsOneDatedHead()
    {
        var t = new DateTimeOffset(2024, 3, 2, 10, 0, 0, TimeSpan.Zero);
        var previous = new MemoryRecord(MemoryKind.Message, 1, "u", "s", "On 2024-03-01 the user said: I moved to Lyon.",
            t.AddDays(-1), 0.3,
            0, 0, [], Role: "user");
        var next = new MemoryRecord(MemoryKind.Message, 2, "u", "s", "I have a cat named Mimi.", t, 0.3, 1, 1, [], Role: "user");
        Assert.Equal("From 2024-03-01 to 2024-03-02 the user said: I moved to Lyon. I have a cat named Mimi.",
            new RuleSummarizer().Summarize([previous, next], 30));
    }
}
