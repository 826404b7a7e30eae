using LlmLab.Tests.Text;

namespace LlmLab.Tests.Data.Analysis;

/// <summary><c>llmlab data stats</c> and <c>llmlab data langid-train</c> in process.</summary>
public sealed class DataStatsCommandTests
{
    [Fact]
    public void Stats_of_a_jsonl_corpus_writes_the_report()
    {
        using var dir = new TempDir();
        var rng = new Random(2);
        var lines = Enumerable.Range(0, 120)
            .Select(i => System.Text.Json.JsonSerializer.Serialize(new { text = SyntheticText.Zipf(rng, 60 + i, 1.0, 800) }));
        string corpus = dir.File("c.jsonl", string.Join("\n", lines));
        string outDir = Path.Combine(dir.Path, "out");
        var (code, stdout, err) = CliRun.Run("data", "stats", corpus, "--out", outDir, "--tokenizer", "none", "--workers", "2");
        Assert.True(code == 0, err);
        Assert.Contains("documents  120", stdout);
        Assert.Contains("zipf       s = ", stdout);
        Assert.True(File.Exists(Path.Combine(outDir, "report.md")));
        Assert.True(File.Exists(Path.Combine(outDir, "quality-fineweb.png")));
    }

    [Fact]
    public void Bad_input_exits_2_with_the_fix()
    {
        var (code, _, err) = CliRun.Run("data", "stats", "--tokenizer", "bert", "--max-documents", "5");
        Assert.Equal(2, code);
        Assert.Contains("--tokenizer 'bert'", err);
        (code, _, err) = CliRun.Run("data", "langid-train", "--lang", "fr", "--lang", "en=/x", "--out", "/tmp/x");
        Assert.Equal(2, code);
        Assert.Contains("expected CODE=DIR", err);
        (code, _, err) = CliRun.Run("data", "langid-train", "--lang", "fr=/no/such", "--lang", "en=/no/such/either", "--out", "/tmp/x");
        Assert.Equal(2, code);
        Assert.Contains("not found", err);
    }
}
