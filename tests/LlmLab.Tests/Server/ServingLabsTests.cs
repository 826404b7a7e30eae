using LlmLab.Labs.Framework;
using LlmLab.Labs.Part09;
using LlmLab.Labs.Part10;
using LlmLab.Reporting;
using LlmLab.Server;

namespace LlmLab.Tests.Server;

public sealed class ServingLabsTests
{
    static void RunSmoke(ILab lab)
    {
        var dir = Directory.CreateTempSubdirectory("llmlab-lab-");
        try
        {
            var result = new LabRunner(NullProgress.Instance, TextWriter.Null).Run([lab], new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: dir.FullName));
            Assert.True(result.Results[0].Status == "passed", string.Join("\n", result.Results[0].Checks.Where(c => !c.Passed)) + result.Results[0].Error);
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void Lab_9_1_serving_benchmark_passes_at_smoke() => RunSmoke(new ServingBenchmarkLab());

    [Fact]
    public void Lab_10_1_serving_monitoring_passes_at_smoke() => RunSmoke(new ServingMonitoringLab());

    [Fact]
    public void Histogram_quantile_interpolates_inside_the_bucket_as_promql_does()
    {
        var samples = PrometheusText.Parse("""
            # TYPE x histogram
            x_bucket{le="0.1",model_name="m"} 10
            x_bucket{le="0.5",model_name="m"} 30
            x_bucket{le="1",model_name="m"} 40
            x_bucket{le="+Inf",model_name="m"} 40
            x_count{model_name="m"} 40
            """);
        Assert.Equal(0.3, PrometheusText.HistogramQuantile(0.5, samples, "x"), 12);  // rank 20: halfway through (0.1, 0.5]
        Assert.Equal(0.05, PrometheusText.HistogramQuantile(0.125, samples, "x"), 12); // rank 5 in the first bucket, from 0
        Assert.Equal(40, PrometheusText.Sum(samples, "x_count"));
        Assert.True(double.IsNaN(PrometheusText.HistogramQuantile(0.5, [], "x")));
    }
}
