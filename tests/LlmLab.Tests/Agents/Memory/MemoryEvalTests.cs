using LlmLab.Agents.Memory;
using LlmLab.Retrieval.Embeddings;
using Xunit.Abstractions;

namespace LlmLab.Tests.Agents.Memory;

/// <summary>The evaluation set's format (strict, errors naming the field) and the evaluator on the built-in set.</summary>
public sealed class MemoryEvalTests(ITestOutputHelper output) : IDisposable
{
    internal static readonly Lazy<OnnxSentenceEncoder> MiniLm = new(() => OnnxSentenceEncoder.CreateMiniLm(threads: 1));
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-memeval-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void BuiltinSetCoversEveryCategoryAndItsEvidenceExists()
    {
        var set = MemoryEvalSet.Builtin();
        var questions = set.Conversations.SelectMany(c => c.Questions).ToList();
        Assert.Equal(34, questions.Count);
        foreach (string category in MemoryEvalSet.Categories) Assert.Contains(questions, q => q.Category == category);
        Assert.All(set.Conversations, c => Assert.True(c.Sessions.Count >= 3));
    }

    [Theory]
    [InlineData("""{"format":"llmlab-memory-eval/2","conversations":[]}""", "format must be")]
    [InlineData("""{"format":"llmlab-memory-eval/1","conversations":[],"extra":1}""", "extra is not a field")]
    [InlineData("""
        {"format":"llmlab-memory-eval/1","conversations":[{"user":"u","sessions":[{"id":"s","start":"2024-01-01T00:00:00Z",
        "turns":[{"role":"user","text":"hi"}]}],"questions":[{"id":"q","category":"single-hop","question":"?","answers":["x"],
        "evidence":["nope"]}]}]}
        """, "conversations[0].questions[0].evidence names turn \"nope\"")]
    [InlineData("""
        {"format":"llmlab-memory-eval/1","conversations":[{"user":"u","sessions":[{"id":"s","start":"yesterday",
        "turns":[{"role":"user","text":"hi"}]}],"questions":[]}]}
        """, "conversations[0].sessions[0].start must be an ISO 8601")]
    [InlineData("""
        {"format":"llmlab-memory-eval/1","conversations":[{"user":"u","sessions":[{"id":"s","start":"2024-01-01T00:00:00Z",
        "turns":[{"role":"bot","text":"hi"}]}],"questions":[]}]}
        """, "turns[0].role must be")]
    [InlineData("""
        {"format":"llmlab-memory-eval/1","conversations":[{"user":"u","sessions":[{"id":"s","start":"2024-01-01T00:00:00Z",
        "turns":[{"role":"user","text":"hi"}]}],"questions":[{"id":"q","category":"trivia","question":"?","answers":[],
        "evidence":[]}]}]}
        """, "questions[0].category must be one of")]
    [InlineData("{", "not valid JSON")]
    public void BadSetsAreOneLineNamingTheField(string json, string expected)
    {
        var e = Assert.Throws<InputException>(() => MemoryEvalSet.Parse(json, "held-out.json"));
        Assert.StartsWith("held-out.json: ", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void ScoringNeedsEveryAnswerNoOutdatedValueAndAbstainsOnlyOnNoAnswer()
    {
        var updated = new MemoryEvalSet.Question("q", "updated", "Where do I live?", ["Lyon"], ["Paris"], ["t"]);
        Assert.True(MemoryEvaluator.IsCorrect(updated, "The user lives in Lyon."));
        Assert.False(MemoryEvaluator.IsCorrect(updated, "You lived in Paris and moved to Lyon."));
        Assert.False(MemoryEvaluator.IsCorrect(updated, ReferenceAnswerer.Abstention));
        var none = new MemoryEvalSet.Question("n", "no-answer", "What car?", [], [], []);
        Assert.True(MemoryEvaluator.IsCorrect(none, "I don't know."));
        Assert.False(MemoryEvaluator.IsCorrect(none, "A red Fiat."));
    }

    [Fact]
    public async Task MemoryRetrievesTheEvidenceAndBeatsBothBaselinesWithTheReferenceAnswerer()
    {
        var encoder = MiniLm.Value;
        var report = await new MemoryEvaluator(encoder, s => encoder.Tokenize(s).Count).RunAsync(MemoryEvalSet.Builtin(), _root);
        foreach (var r in report.Retrievals)
            output.WriteLine($"{r.Question} {r.Category} recall {r.Recall} outdated {r.OutdatedRetrieved} " +
            string.Join(",", r.Retrieved));
        foreach (var a in report.Answers.Where(a => a.Condition != "no-memory"))
            output.WriteLine($"{a.Question} {a.Condition} {(a.Correct ? "OK " : "BAD")} {a.PromptTokens} {a.Answer}");
        foreach (string c in MemoryEvaluator.Conditions)
            output.WriteLine($"{c}: accuracy {report.Accuracy("reference", c):0.000} tokens {report.MeanTokens("reference", c):0}");
        output.WriteLine($"recall@{report.K} {report.RecallAtK():0.000} outdated {report.OutdatedRate:0.000}");
        Assert.True(report.RecallAtK() >= 0.8, $"recall@5 {report.RecallAtK():0.000}");
        // No memory: only abstaining is ever right, so accuracy is exactly the share of no-answer questions.
        Assert.Equal(6.0 / 34, report.Accuracy("reference", "no-memory"), 9);
        Assert.True(report.Accuracy("reference", "memory") > report.Accuracy("reference", "full-context"));
        Assert.True(report.MeanTokens("reference", "memory") < report.MeanTokens("reference", "full-context"));
    }
}
