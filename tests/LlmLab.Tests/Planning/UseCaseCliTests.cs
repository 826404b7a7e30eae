using static LlmLab.Tests.CliRun;
using LlmLab.Planning;

namespace LlmLab.Tests.Planning;

public sealed class UseCaseCliTests : IDisposable
{
    readonly UseCaseTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Check_of_a_worked_example_exits_0_with_a_summary()
    {
        var (code, output, _) = Run("usecase", "check", UseCaseTestFiles.Example(1));
        Assert.Equal(0, code);
        Assert.Contains("0 errors, 0 warnings — complete", output);
        Assert.Contains("llama-3-8b int8 on 1 × L4 24GB", output);
    }

    [Fact]
    public void Check_of_a_spec_with_errors_exits_1_one_line_per_finding()
    {
        string text = UseCaseTestFiles.ExampleText(0).Replace("decision: rag", "decision: guesswork");
        var (code, output, _) = Run("usecase", "check", _files.Write("bad.yaml", text));
        Assert.Equal(1, code);
        Assert.Contains(
            "error  approach.decision: unknown decision 'guesswork' — fix: set decision to one of: prompting, " +
            "rag, fine_tuning, pretraining\n", output);
        Assert.Contains(": 1 error, 0 warnings", output);
    }

    [Fact]
    public void Check_of_a_missing_or_unparseable_file_exits_2()
    {
        string missing = Path.Combine(_files.Dir, "nope.yaml");
        var (code, _, err) = Run("usecase", "check", missing);
        Assert.Equal(2, code);
        Assert.StartsWith($"error: use-case file '{missing}' not found", err);

        string bad = _files.Write("bad.yaml", "name: x\nproblem: [unclosed\n");
        (code, _, err) = Run("usecase", "check", bad);
        Assert.Equal(2, code);
        Assert.StartsWith($"error: {bad}:", err);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public void New_writes_a_template_whose_placeholders_the_checker_flags()
    {
        string path = Path.Combine(_files.Dir, "mine.yaml");
        var (code, output, _) = Run("usecase", "new", path);
        Assert.Equal(0, code);
        Assert.Contains("fill in every TODO", output);

        // By design the template does not pass: every value is a TODO placeholder, and each is an error, so the
        // check lists what is left to fill in. No field is *missing*: the template has all of them.
        var r = UseCaseChecker.Check(path);
        Assert.False(r.Passed);
        Assert.All(r.Findings, f => Assert.Contains("placeholder", f.Message));
        Assert.Contains(r.Findings, f => f.Path == "success_metrics[0].target");
        Assert.Contains(r.Findings, f => f.Path == "approach.hardware.count");
        Assert.Equal(1, Run("usecase", "check", path).Code);
    }

    [Fact]
    public void A_filled_in_template_passes()
    {
        // Replacing each placeholder with a value shows the template has every field the checker requires.
        string path = Path.Combine(_files.Dir, "filled.yaml");
        Assert.Equal(0, Run("usecase", "new", path).Code);
        var lines = File.ReadAllLines(path).Select(Fill);
        File.WriteAllLines(path, lines);
        var r = UseCaseChecker.Check(path);
        Assert.True(r.Passed, string.Join("\n", r.Findings));
    }

    static string Fill(string line)
    {
        string key = line.TrimStart().TrimStart('-', ' ').Split(':')[0];
        string value = key switch
        {
            "how_many" or "sample_size" => "40",
            "typical_tokens" => "200",
            "requests_per_day" => "1000",
            "per_month" => "500",
            "count" => "1",
            "pii" => "false",
            "task_type" => "qa",
            "decision" => "rag",
            "likelihood" or "impact" => "low",
            "preset" => "mistral-7b",
            "dtype" => "int8",
            "gpu" => "A10 24GB",
            "currency" => "EUR",
            "target" => "\">= 0.9\"",
            _ => "\"filled in\"",
        };
        if (line.Contains("{ p50_ms: TODO, p95_ms: TODO }"))
            return line.Replace("{ p50_ms: TODO, p95_ms: TODO }", "{ p50_ms: 20000, p95_ms: 40000 }");
        int todo = line.IndexOf("TODO", StringComparison.Ordinal);
        if (todo < 0) return line;
        int hash = line.IndexOf(" #", todo, StringComparison.Ordinal);
        string rest = hash >= 0 ? line[hash..] : "";
        int start = line[todo - 1] == '"' ? todo - 1 : todo;
        return line[..start] + value + rest;
    }

    [Fact]
    public void New_refuses_to_overwrite_without_force()
    {
        string path = _files.Write("exists.yaml", "name: mine\n");
        var (code, _, err) = Run("usecase", "new", path);
        Assert.Equal(2, code);
        Assert.Contains("already exists", err);
        Assert.Contains("--force", err);
        Assert.Equal("name: mine\n", File.ReadAllText(path));

        Assert.Equal(0, Run("usecase", "new", path, "--force").Code);
        Assert.StartsWith("# LLM use-case specification", File.ReadAllText(path));
        Assert.Empty(Directory.GetFiles(_files.Dir, "*.tmp"));
    }
}
