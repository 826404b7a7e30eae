using LlmLab.Nn.Recurrent;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

public sealed class RecurrentLanguageModelTests
{
    public RecurrentLanguageModelTests() => TorchRuntime.EnsureLoaded(1);

    [Theory]
    [InlineData(RecurrentKind.Rnn)]
    [InlineData(RecurrentKind.Gru)]
    [InlineData(RecurrentKind.Lstm)]
    [InlineData(RecurrentKind.ScratchLstm)]
    public void Parameter_formula_equals_the_built_module(RecurrentKind kind)
    {
        var cfg = new RecurrentLmConfig(kind, Vocab: 37, Embed: 11, Hidden: 13, Layers: 2);
        using var model = new RecurrentLanguageModel(cfg);
        Assert.Equal(cfg.Parameters, model.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Known_parameter_counts()
    {
        // LSTM, V=65, E=32, H=128, 1 layer: 65·32 + 4·128·(32+128) + 8·128 + 128·65 + 65 = 2,080 + 81,920 + 1,024 + 8,320 + 65.
        Assert.Equal(93_409, new RecurrentLmConfig(RecurrentKind.Lstm, 65, 32, 128).Parameters);
        Assert.Equal(81_920 + 1_024, new RecurrentLmConfig(RecurrentKind.Lstm, 65, 32, 128).NonEmbeddingParameters);
        // GRU has 3 gate blocks, RNN 1.
        Assert.Equal(3 * 128 * 160 + 6 * 128, new RecurrentLmConfig(RecurrentKind.Gru, 65, 32, 128).CoreParameters);
        Assert.Equal(128 * 160 + 2 * 128, new RecurrentLmConfig(RecurrentKind.Rnn, 65, 32, 128).CoreParameters);
    }

    [Fact]
    public void WithParameters_picks_the_closest_hidden_size()
    {
        var lstm = new RecurrentLmConfig(RecurrentKind.Lstm, 100, 32, 128);
        long target = lstm.Parameters;
        foreach (var kind in new[] { RecurrentKind.Rnn, RecurrentKind.Gru, RecurrentKind.Lstm })
        {
            var c = (lstm with { Kind = kind }).WithParameters(target);
            long here = Math.Abs(c.Parameters - target);
            Assert.True(here <= Math.Abs((c with { Hidden = c.Hidden - 1 }).Parameters - target));
            Assert.True(here <= Math.Abs((c with { Hidden = c.Hidden + 1 }).Parameters - target));
        }
        Assert.Equal(128, lstm.WithParameters(target).Hidden);
        Assert.True((lstm with { Kind = RecurrentKind.Rnn }).WithParameters(target).Hidden > 200);
        var e = Assert.Throws<ArgumentException>(() => new RecurrentLmConfig(RecurrentKind.Lstm, 8192, 64, 1).WithParameters(100_000));
        Assert.Contains("parameter budget", e.Message);
    }

    [Theory]
    [InlineData(RecurrentKind.Rnn)]
    [InlineData(RecurrentKind.Gru)]
    [InlineData(RecurrentKind.Lstm)]
    [InlineData(RecurrentKind.ScratchLstm)]
    public void Reading_in_two_chunks_with_the_carried_state_equals_reading_at_once(RecurrentKind kind)
    {
        using var scope = NewDisposeScope();
        using var model = new RecurrentLanguageModel(new RecurrentLmConfig(kind, 20, 8, 12, Layers: 2));
        model.eval();
        var tokens = randint(0, 20, [3, 10], dtype: int64);
        var (all, s) = model.Forward(tokens, null);
        Assert.Equal([3L, 10L, 20L], all.shape);
        Assert.Equal([2L, 3L, 12L], s.H.shape);
        Assert.Equal(kind is RecurrentKind.Lstm or RecurrentKind.ScratchLstm, s.C is not null);
        var (first, s1) = model.Forward(tokens.narrow(1, 0, 4), null);
        var (second, _) = model.Forward(tokens.narrow(1, 4, 6), s1);
        TensorAssert.Close(cat([first, second], 1), all, "chunked logits", new(1e-5, 1e-6));
    }

    [Fact]
    public void Scratch_lstm_model_equals_the_libtorch_lstm_model_with_the_same_weights()
    {
        using var scope = NewDisposeScope();
        using var a = new RecurrentLanguageModel(new RecurrentLmConfig(RecurrentKind.Lstm, 15, 6, 9));
        using var b = new RecurrentLanguageModel(new RecurrentLmConfig(RecurrentKind.ScratchLstm, 15, 6, 9));
        ((ScratchLstm)b.Core).CopyFrom(a.Core);
        using (no_grad())
        {
            foreach (var (name, p) in b.named_parameters().Where(n => !n.name.StartsWith("core.", StringComparison.Ordinal)))
                p.copy_(a.get_parameter(name)!);
        }
        var x = randint(0, 15, [2, 6], dtype: int64);
        TensorAssert.Close(b.call(x), a.call(x), "logits", new(1e-5, 1e-6));
    }

    [Fact]
    public void Scorer_total_equals_the_cross_entropy_of_one_pass()
    {
        using var scope = NewDisposeScope();
        using var model = new RecurrentLanguageModel(new RecurrentLmConfig(RecurrentKind.Gru, 12, 5, 7));
        var rng = new Random(2);
        int[] tokens = Enumerable.Range(0, 41).Select(_ => rng.Next(12)).ToArray();
        // One stream, chunks of 7: the state carries across chunks, so this is one pass over the 40 pairs.
        var score = RecurrentLmScorer.Score(model, tokens, streams: 1, chunk: 7);
        var x = tensor(tokens[..^1].Select(t => (long)t).ToArray(), [1, 40]);
        var y = tensor(tokens[1..].Select(t => (long)t).ToArray());
        model.eval();
        double expected;
        using (no_grad()) expected = nn.functional.cross_entropy(model.call(x).reshape(40, 12), y, reduction: nn.Reduction.Sum).item<float>();
        Assert.Equal(40, score.Targets);
        Assert.Equal(expected, score.Nats, 3);
        // Several streams score every pair too (the remainder as an extra stream).
        Assert.Equal(40, RecurrentLmScorer.Score(model, tokens, streams: 3, chunk: 4).Targets);
        Assert.Equal(score.Nats / Math.Log(2) / 80, score.BitsPerByte(80), 12);
    }
}
