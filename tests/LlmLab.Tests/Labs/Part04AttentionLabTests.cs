using LlmLab.Labs.Framework;
using LlmLab.Labs.Part04;
using LlmLab.Nn.Attention;
using LlmLab.Reporting;

namespace LlmLab.Tests.Labs;

/// <summary>Lab 4.3 at the smoke profile, its config guards, and <c>llmlab bench attention</c> on tiny sizes. Not run
/// beside other tests: the lab measures the whole process's peak memory, which their allocations would disturb.</summary>
[Collection(Part04AttentionMemoryCollection.Name)]
public sealed class Part04AttentionLabTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-lab43-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Lab_passes_at_smoke_and_writes_its_report()
    {
        var summary = new LabRunner(NullProgress.Instance, TextWriter.Null)
            .Run([new FlashAttentionLab()], new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root));
        var r = Assert.Single(summary.Results);
        Assert.True(r.Passed, string.Join("\n", r.Checks.Where(c => !c.Passed)) + r.Error);
        string dir = Path.Combine(summary.Directory, r.Directory);
        foreach (string f in new[] { "report.md", "result.json", "metrics.jsonl", "time-forward.png", "time-forward-backward.png" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("causal, forward + backward", report);
        Assert.Contains("naive ÷ tiled", report);
        Assert.True(File.Exists(Path.Combine(dir, "result.json")));
        var names = r.Checks.Select(c => c.Name).ToList();
        Assert.Contains(names, n => n.StartsWith("tiled = naive (output, dq, dk, dv): Tq = 37 < Tk = 300", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("tiled = sdpa (output, dq, dk, dv)", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("tiled = naive (output, dq, dk, dv) at every benchmark length up to T = 1,024", StringComparison.Ordinal));
        Assert.True(PeakResidentMemory.Supported, "lab 4.3's memory section needs Linux's /proc/self/clear_refs to reset the peak");
        Assert.True(File.Exists(Path.Combine(dir, "memory-forward.png")));
        // Every memory claim is recorded in every mode: evaluated, or explicitly skipped where one (B, nh, T, T) score matrix
        // (8 MB at smoke's T = 1,024 × 2 heads) is below what the probe measures reliably — never silently left out.
        var memory = r.Checks.Where(c => c.Name.Contains("score matrix: peak MB", StringComparison.Ordinal)).ToList();
        Assert.Equal(2 * 2 * 2, memory.Count); // {naive, tiled} × {causal, not} × {forward, forward + backward}
        Assert.All(memory, c => Assert.Equal(CheckSource.Formula, c.Source));
        Assert.All(memory, c => Assert.True(c.Skipped, c.ToString()));
        Assert.All(memory, c => Assert.Contains("below the", c.Measured));
    }

    [Fact]
    public void Memory_claims_are_evaluated_where_a_score_matrix_is_far_above_the_probe_and_the_allocator_threshold()
    {
        // One forward-only mode at T = 2,048 × 4 heads: a 67 MB score matrix, as at the quick profile.
        var summary = new LabRunner(NullProgress.Instance, TextWriter.Null).Run([new FlashAttentionLab()],
            new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root, Sets: ConfigOverrides.Parse(
                ["lengths=1024,2048", "heads=4", "naive_max_length=2048", "verify_max_length=256", "causal_modes=true", "backward=false", "fit_from_length=1024"])));
        var r = Assert.Single(summary.Results);
        var memory = r.Checks.Where(c => c.Name.Contains("score matrix: peak MB", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, memory.Count);
        Assert.All(memory, c => Assert.True(c.Passed, c.ToString()));
    }

    [Fact]
    public void Memory_probe_sees_a_16_MiB_tensor_and_nothing_in_an_empty_call()
    {
        Assert.True(PeakResidentMemory.Supported, "the probe needs Linux's /proc/self/clear_refs");
        LlmLab.Runtime.TorchRuntime.EnsureLoaded(1);
        long res = PeakResidentMemory.ResolutionBytes, mib16 = 16L << 20;
        TorchSharp.torch.ones(4L << 20).Dispose(); // the same block once before: what is freed must not hide what is measured
        long? seen = PeakResidentMemory.Measure(() => TorchSharp.torch.ones(4L << 20).Dispose()); // 4 Mi floats = 16 MiB
        Assert.InRange(seen!.Value, mib16 - res, mib16 + 2 * res);
        Assert.InRange(PeakResidentMemory.Measure(() => { })!.Value, 0, res);
    }

    [Fact]
    public void Bad_config_names_the_key()
    {
        ILab lab = new FlashAttentionLab();
        var cfg = FlashAttentionConfig.For(Profile.Smoke);
        Assert.Contains("--set tiles=64by64", Assert.Throws<InputException>(() => lab.Validate(cfg with { Tiles = ["64by64"] })).Message);
        Assert.Contains("--set head_dim=0", Assert.Throws<InputException>(() => lab.Validate(cfg with { HeadDim = 0 })).Message);
        Assert.Contains("fit_from_length", Assert.Throws<InputException>(() => lab.Validate(cfg with { FitFromLength = 1024 })).Message);
        Assert.Contains("causal_modes", Assert.Throws<InputException>(() => lab.Validate(cfg with { CausalModes = [] })).Message);
    }

    [Fact]
    public void Bench_attention_prints_the_tables_on_tiny_sizes()
    {
        var (code, output, err) = CliRun.Run("bench", "attention", "--t", "16,40", "--repeats", "1", "--heads", "2", "--head-dim", "8",
            "--blocks", "16x16,8x32", "--threads", "1", "--no-memory");
        Assert.True(code == 0, output + err);
        Assert.Contains("== causal, forward + backward ==", output);
        Assert.Contains("naive ÷ tiled 8x32", output);
        Assert.Contains("ok   tiled 8x32 vs naive (T = 40, causal)", output);
        Assert.DoesNotContain("FAIL", output);
    }

    [Theory]
    [InlineData("--blocks", "0x4", "--blocks: block sizes '0x4'")]
    [InlineData("--causal", "maybe", "--causal must be both, yes or no")]
    [InlineData("--t", "16,-3", "--t must be a comma-separated list of positive integers")]
    public void Bench_attention_rejects_bad_options(string option, string value, string message)
    {
        var (code, _, err) = CliRun.Run("bench", "attention", option, value);
        Assert.Equal(2, code);
        Assert.Contains(message, err);
    }
}

/// <summary>A test collection that xunit runs alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Part04AttentionMemoryCollection
{
    public const string Name = "Part04 attention: process memory measured";
}
