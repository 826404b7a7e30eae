using System.Text.Json;
using LlmLab.Labs.Framework;
using LlmLab.Reporting;

namespace LlmLab.Tests.Labs;

public sealed class LabRunnerTests : IDisposable
{
    readonly string _root = Path.Combine(Path.GetTempPath(), "llmlab-runner-" + Guid.NewGuid().ToString("N"));

    public sealed record FakeConfig(double Value = 1.0, bool Throw = false, bool Record = true, bool Skip = false, bool Untagged = false);

    sealed class FakeLab(string id) : ILab
    {
        public LabInfo Info => LabCatalog.Get(id);
        public object DefaultConfig(Profile profile) => new FakeConfig(profile == Profile.Smoke ? 1.0 : 2.0);
        public void Validate(object config) => ConfigRules.AtLeast("value", ((FakeConfig)config).Value, 0);
        public void Run(LabContext ctx, object config)
        {
            var c = (FakeConfig)config;
            if (c.Throw) throw new InvalidOperationException("boom");
            ctx.Report.Headline("value", c.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            ctx.Report.Table(["a", "b"], [["1", "2"]], "a table");
            ctx.Metrics.Log(new { step = 1, value = c.Value });
            var plot = new ScottPlot.Plot();
            plot.Add.Scatter(new double[] { 0, 1, 2 }, new double[] { 0, 1, 4 });
            ctx.Plot("curve", plot, "a curve", 300, 200);
            if (c.Record) ctx.Checks.Formula("a made-up bound").InRange("value in [0, 1.5]", c.Value, 0, 1.5);
            if (c.Skip) ctx.Checks.Peer("a peer tool").Skip("peer agrees", "equal", "not evaluated: the peer is not installed");
            if (c.Untagged) ctx.Checks.Add(new Check("untagged", "x", "y", CheckOutcome.Passed, CheckSource.Formula, " "));
        }
    }

    RunSummary Run(string[] ids, params string[] sets) =>
        new LabRunner(NullProgress.Instance, TextWriter.Null).Run(
            ids.Select(i => (ILab)new FakeLab(i)).ToList(),
            new LabRunOptions(Profile.Smoke, 7, 1, ConfigOverrides.Parse(sets), _root));

    [Fact]
    public void A_passing_lab_writes_config_metrics_plot_reports_result_and_index()
    {
        var s = Run(["1.2"]);
        var r = Assert.Single(s.Results);
        Assert.Equal("passed", r.Status);
        string dir = Path.Combine(s.Directory, r.Directory);
        foreach (string f in new[] { "config.json", "metrics.jsonl", "curve.png", "report.md", "report.html", "result.json" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "config.json")));
        Assert.Equal(7, config.RootElement.GetProperty("seed").GetInt64());
        Assert.Equal(1.0, config.RootElement.GetProperty("config").GetProperty("value").GetDouble());
        Assert.Contains("libtorch", config.RootElement.GetProperty("versions").GetProperty("torch").GetString());
        string index = File.ReadAllText(s.IndexPath);
        Assert.Contains("1.2-writing-prompts/curve.png", index);
        Assert.Contains("value in [0, 1.5]", index);
        Assert.Contains("1 of 27 labs have a passing run", index);
        Assert.DoesNotContain("<script", index);
        Assert.Contains("| ✓ | value in [0, 1.5] | [0, 1.5] | 1 | formula: a made-up bound |", File.ReadAllText(Path.Combine(dir, "report.md")));
        using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "result.json")));
        var check = Assert.Single(result.RootElement.GetProperty("checks").EnumerateArray());
        Assert.Equal("formula", check.GetProperty("source").GetString());
        Assert.Equal("a made-up bound", check.GetProperty("basis").GetString());
        Assert.Equal("passed", check.GetProperty("outcome").GetString());
        Assert.Contains("1.2", RunIndexPage.PassedLabIds(_root));
    }

    [Fact]
    public void A_failed_check_an_exception_and_no_checks_each_fail_the_lab()
    {
        Assert.Equal("failed", Run(["1.2"], "value=3").Results[0].Status);
        var error = Run(["1.2"], "throw=true").Results[0];
        Assert.Equal("error", error.Status);
        Assert.Contains("boom", error.Error);
        var none = Run(["1.2"], "record=false").Results[0];
        Assert.Equal("failed", none.Status);
        Assert.Equal("the lab recorded no checks", none.Error);
        Assert.Empty(RunIndexPage.PassedLabIds(_root));
    }

    [Fact]
    public void A_skipped_check_is_counted_and_shown_but_does_not_fail_the_lab_unless_nothing_was_evaluated()
    {
        var s = Run(["1.2"], "skip=true");
        var r = Assert.Single(s.Results);
        Assert.Equal("passed", r.Status);
        Assert.Single(r.Checks, c => c.Skipped);
        string dir = Path.Combine(s.Directory, r.Directory);
        string md = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("| – | peer agrees *(skipped)* | equal | not evaluated: the peer is not installed | peer: a peer tool |", md);
        Assert.Contains("1 skipped", md);
        Assert.Contains("1/2 (1 skipped)", File.ReadAllText(s.IndexPath));
        Assert.Contains("\"outcome\": \"skipped\"", File.ReadAllText(Path.Combine(dir, "result.json")));

        var only = Run(["1.2"], "skip=true", "record=false").Results[0];
        Assert.Equal("failed", only.Status);
        Assert.Equal("every check was skipped", only.Error);
    }

    [Fact]
    public void A_check_that_names_no_basis_for_its_expectation_is_an_error()
    {
        var r = Run(["1.2"], "untagged=true").Results[0];
        Assert.Equal("error", r.Status);
        Assert.Contains("names no basis", r.Error);
    }

    [Fact]
    public void Targeted_overrides_apply_to_one_lab_only()
    {
        var s = Run(["1.2", "5.2"], "1.2:value=3");
        Assert.Equal(["failed", "passed"], s.Results.Select(r => r.Status));
    }

    [Fact]
    public void A_bad_override_is_rejected_before_anything_is_written()
    {
        var e = Assert.Throws<InputException>(() => Run(["1.2"], "valu=3"));
        Assert.Contains("unknown --set key 'valu'", e.Message);
        Assert.Throws<InputException>(() => Run(["1.2"], "4.2:value=3"));
        Assert.Equal("lab 1.2: --set value=-1: value must be >= 0", Assert.Throws<InputException>(() => Run(["1.2"], "value=-1")).Message);
        Assert.False(Directory.Exists(_root) && Directory.EnumerateFileSystemEntries(_root).Any());
    }

    [Fact]
    public void Non_finite_measurements_serialise_as_named_literals()
    {
        var check = new Check("overflow", "≤ 1", "∞", CheckOutcome.Failed, CheckSource.Formula, "a bound", double.PositiveInfinity);
        string json = JsonSerializer.Serialize(new { check.Value, nan = double.NaN }, ConfigOverrides.Json);
        Assert.Contains("\"Infinity\"", json);
        Assert.Contains("\"NaN\"", json);
        var log = Path.Combine(Directory.CreateDirectory(_root).FullName, "m.jsonl");
        using (var m = new MetricsLog(log)) m.Log(new { loss = double.NegativeInfinity });
        Assert.Equal("{\"loss\":\"-Infinity\"}", File.ReadAllText(log).Trim());
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
