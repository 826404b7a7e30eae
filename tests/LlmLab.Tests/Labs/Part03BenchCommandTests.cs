namespace LlmLab.Tests.Labs;

/// <summary><c>llmlab bench lstm</c> refuses bad input before it trains anything (the benchmark itself is never run by tests).</summary>
public sealed class Part03BenchCommandTests
{
    [Fact]
    public void A_python_that_cannot_start_is_bad_input()
    {
        var (code, _, err) = CliRun.Run("bench", "lstm", "--python", "/nonexistent/python3", "--steps", "3", "--warmup", "0");
        Assert.Equal(2, code);
        Assert.Contains("--python '/nonexistent/python3' could not be started", err);
    }

    [Fact]
    public void Warmup_must_leave_timed_steps()
    {
        var (code, _, err) = CliRun.Run("bench", "lstm", "--steps", "5", "--warmup", "5");
        Assert.Equal(2, code);
        Assert.Contains("--warmup (5) must be smaller than --steps (5)", err);
    }

    [Fact]
    public void A_missing_script_is_named()
    {
        var (code, _, err) = CliRun.Run("bench", "lstm", "--script", "/nonexistent/char_lstm.py");
        Assert.Equal(2, code);
        Assert.Contains("/nonexistent/char_lstm.py", err);
    }

    [Fact]
    public void Numbers_are_checked()
    {
        var (code, _, err) = CliRun.Run("bench", "lstm", "--hidden", "0");
        Assert.Equal(2, code);
        Assert.Contains("--hidden", err);
    }
}
