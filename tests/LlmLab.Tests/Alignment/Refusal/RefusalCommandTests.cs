using LlmLab.Alignment.Refusal;
using LlmLab.Tests.Text;

namespace LlmLab.Tests.Alignment.Refusal;

public sealed class RefusalCommandTests
{
    [Fact]
    public void Train_gate_writes_a_gate_file_that_loads_and_reports_the_hand_written_set()
    {
        using var dir = new TempDir();
        string gate = Path.Combine(dir.Path, "gate.json");
        var (code, output, err) = CliRun.Run("refusal", "train-gate", "--out", gate, "--per-category", "20", "--threshold", "0.4");
        Assert.True(code == 0, err);
        Assert.Contains("hand-written held-out set (112 prompts)", output);
        Assert.Contains("threshold 0.8:", output);
        Assert.Equal(0.4, RefusalGateFile.Load(gate).Threshold);
    }

    [Fact]
    public void Train_gate_on_a_labelled_file_of_ones_own()
    {
        using var dir = new TempDir();
        string data = dir.File("mine.jsonl", string.Join("\n", RefusalDataset.Generate(new RefusalDataOptions(10, 0, 0, 1)).Train
            .Select(p => System.Text.Json.JsonSerializer.Serialize(new { prompt = p.Text, label = p.Unsafe ? "unsafe" : "safe" }))));
        string gate = Path.Combine(dir.Path, "gate.json");
        var (code, output, err) = CliRun.Run("refusal", "train-gate", "--out", gate, "--data", data);
        Assert.True(code == 0, err);
        Assert.Contains("trained on 140 prompts (70 unsafe)", output);
        Assert.NotNull(RefusalGateFile.Load(gate));
    }
}
