namespace LlmLab.Tests.Cli;

/// <summary>The generation and training benches run end to end on tiny shapes (no peer) and refuse bad options.</summary>
public class BenchEngineCommandTests
{
    [Fact]
    public void Bench_generate_runs_batch_1_and_a_batch_without_the_peer()
    {
        var (code, stdout, stderr) = CliRun.Run("bench", "generate", "--layers", "1", "--width", "32", "--heads", "2", "--vocab", "64", "--context", "32",
            "--prompt", "4", "--tokens", "4", "--batches", "1,3", "--repeats", "1", "--threads", "1", "--no-peer");
        Assert.True(code == 0, stderr);
        Assert.Contains("LlmLab tok/s", stdout);
        Assert.DoesNotContain("PyTorch", stdout);
    }

    [Fact]
    public void Bench_train_runs_a_tiny_model_without_the_peer()
    {
        var (code, stdout, stderr) = CliRun.Run("bench", "train", "--models", "tiny", "--threads", "1", "--batch", "2", "--steps", "3",
            "--warmup", "1", "--no-peer");
        Assert.True(code == 0, stderr);
        Assert.Matches(@"tiny\s+[\d,]+\s+1\s", stdout);
        Assert.DoesNotContain("PyTorch ms", stdout);
    }

    [Theory]
    [InlineData("generate", "--prompt", "500")]
    [InlineData("generate", "--batches", "1,x")]
    [InlineData("generate", "--heads", "5")]
    [InlineData("train", "--models", "99m")]
    [InlineData("train", "--threads", "0")]
    public void Bad_options_exit_2_with_a_message(string bench, string option, string value)
    {
        var (code, _, stderr) = CliRun.Run("bench", bench, option, value, "--no-peer");
        Assert.Equal(2, code);
        Assert.StartsWith("error:", stderr);
    }
}
