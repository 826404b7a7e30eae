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
