using System.Text.Json;
using LlmLab.Labs.Framework;
using LlmLab.Labs.Part01;
using LlmLab.Planning;
using LlmLab.Reporting;

namespace LlmLab.Tests.Planning;

public sealed class ResourceEstimationLabTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-lab13-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Lab_passes_at_smoke_and_writes_its_report()
    {
        var summary = new LabRunner(NullProgress.Instance, TextWriter.Null)
            .Run([new ResourceEstimationLab()], new LabRunOptions(Profile.Smoke, RunsRoot: _root));
        var r = Assert.Single(summary.Results);
        Assert.True(r.Passed, string.Join("\n", r.Checks.Where(c => !c.Passed)) + r.Error);
        string dir = Path.Combine(summary.Directory, r.Directory);
        foreach (string f in new[] { "report.md", "result.json", "inference-memory.png", "training-memory.png" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("524,288 B/token", report);
        Assert.Contains("ZeRO paper Fig. 1", report);
        using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "result.json")));
        Assert.Contains("Adam state bytes predicted vs measured", result.RootElement.GetRawText());
    }

    [Fact]
    public void Probe_measures_what_the_estimator_predicts()
    {
        var spec = SmallModelSpecs.LlamaStyle(layers: 1, width: 32, heads: 4, kvHeads: 2, experts: 3, vocab: 64, context: 8);
        var m = TrainingMemoryProbe.MeasureAdamWStep(spec, seq: 8, batch: 2, seed: 1);
        var p = MemoryEstimator.Training(spec, new TrainingMemoryOptions(Dtype.Fp32, 2, 8, OverheadBytes: 0));
        Assert.Equal(spec.ParameterCount, m.Parameters);
        Assert.Equal(p.WeightBytes, m.ParameterBytes);
        Assert.Equal(p.GradientBytes, m.GradientBytes);
        Assert.Equal(p.OptimizerStateBytes, m.AdamStateBytes);
        Assert.Equal(0, p.MasterWeightBytes);
    }
}
