using LlmLab.Labs.Framework;
using LlmLab.Labs.Part10;
using LlmLab.Reporting;

namespace LlmLab.Tests.Labs;

public sealed class Part10CostCascadeLabTests
{
    [Fact]
    public void Lab_10_3_caching_and_cascade_passes_at_smoke()
    {
        var dir = Directory.CreateTempSubdirectory("llmlab-lab-");
        try
        {
            var result = new LabRunner(NullProgress.Instance, TextWriter.Null)
                .Run([new CostCascadeLab()], new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: dir.FullName)).Results[0];
            Assert.True(result.Status == "passed", string.Join("\n", result.Checks.Where(c => !c.Passed)) + result.Error);
            Assert.Contains(result.Checks, c => c.Name.StartsWith("semantic cache's best entry", StringComparison.Ordinal) && c.Passed);
            Assert.Contains(result.Checks, c => c.Name.StartsWith("live cascade: decisions", StringComparison.Ordinal) && c.Passed);
            foreach (var png in new[] { "cache-thresholds.png", "cost-accuracy.png" })
                Assert.Single(Directory.EnumerateFiles(dir.FullName, png, SearchOption.AllDirectories));
        }
        finally { dir.Delete(recursive: true); }
    }
}
