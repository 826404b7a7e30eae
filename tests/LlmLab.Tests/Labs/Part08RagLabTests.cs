using LlmLab.Labs.Framework;
using LlmLab.Labs.Part08;
using LlmLab.Reporting;

namespace LlmLab.Tests.Labs;

/// <summary>Lab 8.1 at the smoke profile (needs Debian's debian-faq package), and its config guards.</summary>
public sealed class Part08RagLabTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-lab81-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Lab_passes_at_smoke_and_writes_its_report()
    {
        Assert.True(File.Exists(LlmLab.Retrieval.Evaluation.DebianFaq.EnglishPath),
            "lab 8.1's test needs Debian's debian-faq package: apt-get install debian-faq");
        var summary = new LabRunner(NullProgress.Instance, TextWriter.Null)
            .Run([new RagLab()], new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root));
        var r = Assert.Single(summary.Results);
        Assert.True(r.Passed, string.Join("\n", r.Checks.Where(c => !c.Passed)) + r.Error);
        string dir = Path.Combine(summary.Directory, r.Directory);
        string[] files = ["report.md", "result.json", "metrics.jsonl", "recall-at-k-en.png", "latency-per-stage.png", "hnsw-recall.png"];
        foreach (string f in files)
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        var names = r.Checks.Select(c => c.Name).ToList();
        Assert.Contains("cos(man eating food, man eating bread) vs 0.7553", names);
        Assert.Contains("hybrid retrieval: gold FAQ section in the top 10 sources (recall@10)", names);
        Assert.Contains(names, n => n.StartsWith("our HNSW recall@10 vs exact search", StringComparison.Ordinal));
        Assert.Contains("faithfulness checker on the extractive answers", names);
        Assert.Contains("faithfulness checker on misattributed answers (negative control)", names);
        Assert.Contains(names, n => n.StartsWith("hybrid recall@10 with 50 SDK-docs distractors", StringComparison.Ordinal));
        Assert.Contains("French FAQ: hybrid recall@10", names); // skipped at smoke, with its reason
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("| extractive answer (hybrid) |", report);
    }

    [Fact]
    public async Task A_configured_judge_is_reported_beside_the_lexical_checker_with_the_negative_control()
    {
        Assert.True(File.Exists(LlmLab.Retrieval.Evaluation.DebianFaq.EnglishPath),
            "lab 8.1's test needs Debian's debian-faq package: apt-get install debian-faq");
        // An oracle judge at a fake endpoint: supported exactly when the claim is a sentence of the passages it was shown
        // (whitespace aside) — right for copied extractive sentences, wrong once their citations are moved.
        static string Squeeze(string t) => string.Join(' ', t.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        await using var fake = await Retrieval.FakeOpenAiEndpoint.StartAsync(m =>
        {
            string user = m[^1];
            int at = user.LastIndexOf("Claim: ", StringComparison.Ordinal);
            return Squeeze(user[..at]).Contains(Squeeze(user[(at + 7)..]), StringComparison.Ordinal)
                ? "{\"verdict\": \"supported\"}" : "{\"verdict\": \"not_supported\"}";
        });
        var sets = ConfigOverrides.Parse(["judge=oracle", $"judge_base_url={fake.BaseUrl}", "questions=6", "answer_questions=4",
            "sdk_docs=0", "vectors=200", "vector_queries=5"]);
        var summary = new LabRunner(NullProgress.Instance, TextWriter.Null)
            .Run([new RagLab()], new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root, Sets: sets));
        var r = Assert.Single(summary.Results);
        string dir = Path.Combine(summary.Directory, r.Directory);
        Assert.True(r.Passed, string.Join("\n", r.Checks.Where(c => !c.Passed)) + r.Error);
        Assert.NotEmpty(fake.Requests);
        Assert.All(fake.Requests, q => Assert.Equal("oracle", q.Body["model"]!.GetValue<string>()));
        var judged = File.ReadAllLines(Path.Combine(dir, "metrics.jsonl")).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Where(e => e.TryGetProperty("part", out var p) && p.GetString() == "judge")
            .ToDictionary(e => e.GetProperty("answers").GetString()!, e => e);
        Assert.Equal(["control", "extractive"], judged.Keys.Order());
        Assert.Equal(1.0, judged["extractive"].GetProperty("faithfulness").GetDouble());
        Assert.True(judged["control"].GetProperty("faithfulness").GetDouble() <= 0.5, judged["control"].ToString());
        Assert.Equal(0, judged["extractive"].GetProperty("unparseable").GetInt32() + judged["extractive"].GetProperty("failed").GetInt32());
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("| same answers, citations moved to the next chunk (negative control) |", report);
    }

    [Theory]
    [InlineData("judge_base_url", "http://127.0.0.1:9/v1")]
    [InlineData("k", "0")]
    [InlineData("overlap_tokens", "150")]
    [InlineData("min_hnsw_recall", "2")]
    [InlineData("sdk_docs", "-1")]
    [InlineData("french_questions", "-2")]
    [InlineData("openai_base_url", "http://127.0.0.1:9/v1")]
    public void Bad_config_names_the_key(string key, string value)
    {
        var e = Assert.Throws<InputException>(() => new LabRunner(NullProgress.Instance, TextWriter.Null)
            .Run([new RagLab()], new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root, Sets: [new(key, value)])));
        Assert.Contains(key, e.Message);
    }
}
