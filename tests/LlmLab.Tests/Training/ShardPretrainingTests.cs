using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Tests.Data.Shards;
using LlmLab.Training;

namespace LlmLab.Tests.Training;

[Collection(TrainerCollection.Name)]
public sealed class ShardPretrainingTests : IDisposable
{
    readonly ShardTestData _data = new();

    public void Dispose() => _data.Dispose();

    PretrainingConfig Config(string tokenizer, int steps) => new()
    {
        Model = new GptConfig { VocabSize = 300, Context = 16, Width = 16, Layers = 1, Heads = 2 },
        Data = new PretrainingData(Tokenizer: tokenizer, VocabSize: 300, Shards: _data.Path("shards")),
        Trainer = new TrainerOptions(steps, 4, 16, 3e-3, EvalEvery: 4, EvalBatches: 2, LogEvery: 100),
        Seed = 3,
        CheckpointEvery = 3,
    };

    [Fact]
    public void Training_streams_from_shards_and_a_resume_continues_the_same_loss_sequence()
    {
        TorchRuntime.EnsureLoaded(1);
        _data.Build("shards");
        var (_, _, tokPath) = _data.Tokenizer();
        using var whole = GptPretraining.TrainOnShards(Config(tokPath, 6), _data.Path("shards"), _data.Path("whole"));
        var c = Config(tokPath, 6);
        using (GptPretraining.TrainOnShards(c with { Trainer = c.Trainer with { StopAtStep = 3 } }, _data.Path("shards"), _data.Path("pieces"))) { }
        using var resumed = GptPretraining.TrainOnShards(c, _data.Path("shards"), _data.Path("pieces"), resumeFrom: _data.Path("pieces"));
        Assert.Equal(6, whole.Result.Steps.Count);
        // The resumed run carries the first half's metrics from its checkpoint: the whole sequence must match bit for bit.
        Assert.Equal(whole.Result.Steps.Select(s => s.Loss), resumed.Result.Steps.Select(s => s.Loss));
        Assert.True(whole.Result.Final!.Loss < whole.Result.Initial!.Loss);
    }

    [Fact]
    public void The_train_command_streams_from_shards_named_in_the_config()
    {
        TorchRuntime.EnsureLoaded(1);
        _data.Build("shards");
        var (_, _, tokPath) = _data.Tokenizer();
        string config = _data.Path("train.json");
        File.WriteAllText(config, """
            { "model": { "vocab_size": 300, "n_positions": 16, "n_embd": 16, "n_layer": 1, "n_head": 2 },
              "trainer": { "steps": 3, "batch": 2, "context": 16, "learning_rate": 3e-3, "eval_every": 3, "eval_batches": 1, "log_every": 1 },
              "threads": 1, "checkpoint_every": 3 }
            """);
        var (code, output, err) = CliRun.Run("train", "--config", config, "--out", _data.Path("run"),
            "--set", $"data.shards={_data.Path("shards")}", "--set", $"data.tokenizer={tokPath}");
        Assert.True(code == 0, err);
        Assert.Contains("token shards in", output);
        Assert.Contains("step 3 |", output);
        Assert.Single(Checkpoint.List(_data.Path("run")));
    }

    [Fact]
    public void Shards_made_with_another_tokenizer_are_refused_before_anything_is_written()
    {
        TorchRuntime.EnsureLoaded(1);
        _data.Build("shards");
        var e = Assert.Throws<InputException>(() => GptPretraining.TrainOnShards(Config("gpt2", 2) with { Model = GptConfig.Gpt2Small with { Layers = 1, Width = 16, Heads = 2, Context = 16 } },
            _data.Path("shards"), _data.Path("out")));
        Assert.Contains("tokenizer mismatch", e.Message);
        Assert.False(Directory.Exists(_data.Path("out")));
        Assert.Contains("data.shards", Assert.Throws<InputException>(() => Config("bpe", 2).Validate()).Message);
    }
}
