using LlmLab.Labs.Framework;
using LlmLab.Labs.Part02;
using LlmLab.Reporting;

namespace LlmLab.Tests.Nn;

public sealed class LossLandscapeLabTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-lab22-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Lab_passes_at_smoke_and_draws_both_models()
    {
        var summary = new LabRunner(NullProgress.Instance, TextWriter.Null)
            .Run([new LossLandscapeLab()], new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root));
        var r = Assert.Single(summary.Results);
        Assert.True(r.Status == "passed", string.Join("\n", r.Checks.Where(c => !c.Passed)) + r.Error);
        string dir = Path.Combine(summary.Directory, r.Directory);
        foreach (string f in new[] { "report.md", "training.png", "interpolation.png", "slices.png", "heatmap-residual.png",
                     "heatmap-no-skip.png", "contours-residual.png", "contours-no-skip.png" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("grid centre loss = trained model's loss", report);
        Assert.Contains("S(ρ = 0.25)", report);
        Assert.Equal(2 * 7 + 1, r.Checks.Count);
    }

    [Fact]
    public void An_even_grid_is_refused_before_anything_runs()
    {
        var ex = Assert.Throws<InputException>(() => new LabRunner(NullProgress.Instance, TextWriter.Null).Run([new LossLandscapeLab()],
            new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root, Sets: [new("grid_points", "6")])));
        Assert.Contains("grid_points must be odd", ex.Message);
        Assert.Empty(Directory.GetDirectories(_root));
    }
}
