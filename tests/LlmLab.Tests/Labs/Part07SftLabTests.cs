using LlmLab.Alignment;
using LlmLab.Labs.Framework;
using LlmLab.Labs.Part07;
using LlmLab.Reporting;

namespace LlmLab.Tests.Labs;

/// <summary>Lab 7.1 at the smoke profile, and its config guards.</summary>
public sealed class Part07SftLabTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-lab71-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Lab_passes_at_smoke_and_writes_its_data_adapter_and_plots()
    {
        var summary = new LabRunner(NullProgress.Instance, TextWriter.Null)
            .Run([new SftLab()], new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root));
        var r = Assert.Single(summary.Results);
        Assert.True(r.Passed, string.Join("\n", r.Checks.Where(c => !c.Passed)) + r.Error);
        string dir = Path.Combine(summary.Directory, r.Directory);
        foreach (string f in new[] { "report.md", "result.json", "train.jsonl", "test.jsonl", "sft-loss.png", "accuracy-per-family.png", "data-scaling.png",
                     Path.Combine("lora-r8", LoraModel.AdapterFile), Path.Combine("lora-r8", LoraModel.ConfigFile) })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        // the files the lab wrote are the split by template
        var train = ChatJsonl.Read(Path.Combine(dir, "train.jsonl"));
        var test = ChatJsonl.Read(Path.Combine(dir, "test.jsonl"));
        Assert.Empty(train.Select(x => (x.Family, x.Template)).Intersect(test.Select(x => (x.Family, x.Template))));
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("| base (1-shot) |", report);
        Assert.Contains("| LoRA r = 8 |", report);
        // the full fine-tune is left as a chat checkpoint (lab 1.2 and serve can use it)
        var ckpt = LlmLab.Training.Checkpoint.Resolve(Path.Combine(dir, "sft-full"));
        Assert.Same(LlmLab.Inference.ChatTemplate.Chat, ChatCheckpoint.TemplateOf(ckpt));
    }

    [Theory]
    [InlineData(Profile.Smoke)]
    [InlineData(Profile.Quick)]
    [InlineData(Profile.Full)]
    public void Every_profile_s_defaults_are_valid(Profile profile)
    {
        ILab lab = new SftLab();
        lab.Validate(lab.DefaultConfig(profile));
    }

    [Fact]
    public void Bad_config_names_the_key()
    {
        ILab lab = new SftLab();
        var cfg = SftLabConfig.For(Profile.Smoke);
        Assert.Contains("lora_ranks", Assert.Throws<InputException>(() => lab.Validate(cfg with { LoraRanks = [] })).Message);
        Assert.Contains("base_width", Assert.Throws<InputException>(() => lab.Validate(cfg with { BaseWidth = 50, BaseHeads = 4 })).Message);
        Assert.Contains("difficulty", Assert.Throws<InputException>(() => lab.Validate(cfg with { Difficulty = 4 })).Message);
    }
}
