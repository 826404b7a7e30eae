using LlmLab.Training;

namespace LlmLab.Tests.Training;

[Collection(TrainerCollection.Name)]
public sealed class TrainCommandTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-train-cli-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    const string Tiny = """
        { "model": { "vocab_size": 280, "n_positions": 16, "n_embd": 16, "n_layer": 1, "n_head": 2 },
          "data": { "vocab_size": 280, "train_bytes": 8000, "validation_bytes": 2000 },
          "trainer": { "steps": 6, "batch": 2, "context": 16, "learning_rate": 3e-3, "min_learning_rate": 3e-4, "warmup_steps": 1,
                       "eval_every": 3, "eval_batches": 1, "log_every": 3 },
          "threads": 1, "checkpoint_every": 3 }
        """;

    string Config(string text = Tiny)
    {
        string path = Path.Combine(_root, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Train_resume_and_generate_from_the_command_line()
    {
        string config = Config(), run = Path.Combine(_root, "run");
        var (code, output, err) = CliRun.Run("train", "--config", config, "--out", run, "--set", "trainer.stop_at_step=3");
        Assert.True(code == 0, err);
        Assert.Matches(@"step 3 \| loss \d+\.\d{4} \| lr \d\.\de-0\d \| ", output);
        Assert.Contains("saved", output);
        (code, output, err) = CliRun.Run("train", "--config", config, "--resume", run);
        Assert.True(code == 0, err);
        Assert.Contains("step 6 |", output);
        Assert.Equal([3, 6], Checkpoint.List(run).Select(c => c.Step).ToArray());
        Assert.True(File.Exists(Path.Combine(run, "config.json")));
        Assert.Equal(6, File.ReadLines(Path.Combine(run, "metrics.jsonl")).Count(l => l.Contains("\"kind\":\"step\"")));

        string[] Generate(int seed) => [CliRun.Run("generate", "--checkpoint", run, "--prompt", "The", "--max-tokens", "12", "--seed", seed.ToString()).Out];
        Assert.Equal(Generate(5), Generate(5));
        Assert.NotEqual(Generate(5), Generate(6)); // the seed is used: 12 sampled tokens from two seeds differ
        Assert.StartsWith("The", Generate(5)[0]);

        // A fresh run into a directory with checkpoints is refused, and nothing there changes.
        var before = File.ReadAllText(Path.Combine(run, "config.json"));
        (code, _, err) = CliRun.Run("train", "--config", config, "--out", run);
        Assert.Equal(2, code);
        Assert.Contains("already holds checkpoints", err);
        Assert.Equal(before, File.ReadAllText(Path.Combine(run, "config.json")));
    }

    [Theory]
    [InlineData("trainer.foo=1", "unknown key 'trainer.foo'")]
    [InlineData("model.n_embd=17", "n_embd (17) must be divisible by n_head (2)")]
    [InlineData("trainer.context=32", "trainer.context (32) is longer than model.n_positions (16)")]
    [InlineData("trainer.accumulation=0", "trainer.Accumulation must be >= 1")]
    [InlineData("data.vocab_size=300", "data.vocab_size (300) and model.vocab_size (280) must be equal")]
    [InlineData("trainer.steps=abc", "trainer.steps has the wrong type or value")]
    [InlineData("seed=\"x\"", "seed has the wrong type")]
    public void Bad_configs_are_refused_before_anything_is_written(string set, string message)
    {
        string run = Path.Combine(_root, "bad");
        var (code, _, err) = CliRun.Run("train", "--config", Config(), "--out", run, "--set", set);
        Assert.Equal(2, code);
        Assert.Contains(message, err);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void Bad_checkpoint_paths_are_clear_errors()
    {
        var (code, _, err) = CliRun.Run("generate", "--checkpoint", _root, "--prompt", "x");
        Assert.Equal(2, code);
        Assert.Contains("holds no checkpoint", err);
        (code, _, err) = CliRun.Run("train", "--config", Config(), "--resume", Path.Combine(_root, "nowhere"));
        Assert.Equal(2, code);
        Assert.Contains("does not exist", err);
        (code, _, err) = CliRun.Run("train", "--config", Path.Combine(_root, "missing.json"), "--out", _root);
        Assert.Equal(2, code);
        Assert.Contains("does not exist", err);
    }
}
