namespace LlmLab.Tests.Server;

public class ServeCheckpointTests
{
    [Fact]
    public void Serving_a_missing_checkpoint_exits_2_naming_it()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"llmlab-no-checkpoint-{Guid.NewGuid():N}");
        var (code, _, err) = CliRun.Run(["serve", "--checkpoint", missing, "--port", "0"]);
        Assert.Equal(2, code);
        Assert.Contains(missing, err);
    }
}
