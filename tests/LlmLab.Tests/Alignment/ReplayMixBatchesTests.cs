using LlmLab.Alignment;
using LlmLab.Inference;
using LlmLab.Tests.Nn;
using static TorchSharp.torch;

namespace LlmLab.Tests.Alignment;

public class ReplayMixBatchesTests
{
    /// <summary>A chat of <paramref name="prompt"/> prompt ids then <paramref name="reply"/> assistant ids (ids 1..49).</summary>
    static ChatEncoding Chat(int prompt, int reply, int start) =>
        new(Enumerable.Range(0, prompt + reply).Select(i => (start + i * 7) % 49 + 1).ToArray(),
            Enumerable.Range(0, prompt + reply).Select(i => i >= prompt).ToArray());

    static readonly ChatEncoding[] Examples = [Chat(5, 3, 1), Chat(4, 6, 9), Chat(3, 2, 17), Chat(6, 5, 25), Chat(2, 3, 33)];

    /// <summary>Pretraining "text" whose id at i is i % 50: a window's start is readable from its ids.</summary>
    static readonly int[] Text = Enumerable.Range(0, 2_000).Select(i => i % 50).ToArray();

    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    [Theory]
    [InlineData(SftBatchLayout.Pad)]
    [InlineData(SftBatchLayout.Pack)]
    public void The_first_rows_are_the_sft_batches_and_the_rest_pretraining_windows_with_every_target(SftBatchLayout layout)
    {
        const int batch = 4, context = 12;
        using var scope = NewDisposeScope();
        var mix = new ReplayMixBatches(Examples, Text, batch, context, replayFraction: 0.5, layout, seed: 3);
        Assert.Equal(2, mix.Rows);
        var sft = new SftBatches(Examples, batch - 2, context, layout, seed: 3);
        for (int step = 0; step < 3; step++)
        {
            var b = mix.Next();
            var s = sft.Next();
            Assert.Equal(new long[] { batch, context }, b.X.shape);
            Assert.True(Same(b.X.narrow(0, 0, 2), s.X));
            Assert.True(Same(b.Y.narrow(0, 0, 2), s.Y));
            long[] x = b.X.narrow(0, 2, 2).contiguous().data<long>().ToArray(), y = b.Y.narrow(0, 2, 2).contiguous().data<long>().ToArray();
            for (int i = 0; i < x.Length; i++)
            {
                if (i % context > 0) Assert.Equal((x[i - 1] + 1) % 50, x[i]);   // a contiguous window of the text
                Assert.Equal((x[i] + 1) % 50, y[i]);                          // every token has its next one as target
            }
            if (layout == SftBatchLayout.Pad)
            {
                Assert.Null(b.Positions);
                continue;
            }
            Assert.True(Same(b.Positions!.narrow(0, 0, 2), s.Positions!));
            Assert.True(Same(b.Mask!.narrow(0, 0, 2), s.Mask!));
            Assert.True(Same(b.Positions.narrow(0, 2, 2), arange(context, dtype: ScalarType.Int64).expand(2, context)));
            Assert.True(Same(b.Mask.narrow(0, 2, 2), ones(context, context, ScalarType.Bool).tril().expand(2, 1, context, context)));
        }
    }

    [Fact]
    public void A_replay_row_in_a_packed_batch_gets_the_logits_it_gets_alone()
    {
        using var model = GptTestModels.Build(GptTestModels.Tiny);
        using var scope = NewDisposeScope();
        var b = new ReplayMixBatches(Examples, Text, batch: 3, context: 16, replayFraction: 0.34, SftBatchLayout.Pack, seed: 1).Next();
        var mixed = model.Forward(b.X, null, b.Positions, b.Mask).narrow(0, 2, 1);
        var alone = model.call(b.X.narrow(0, 2, 1));
        Assert.True(mixed.sub(alone).abs().max().item<float>() < 1e-5f);
    }

    [Fact]
    public void Resuming_continues_with_the_same_batches()
    {
        using var scope = NewDisposeScope();
        var a = new ReplayMixBatches(Examples, Text, 4, 12, 0.25, SftBatchLayout.Pack, seed: 5);
        a.Next();
        a.Next();
        var state = a.SaveState();
        var expected = a.Next();
        var b = new ReplayMixBatches(Examples, Text, 4, 12, 0.25, SftBatchLayout.Pack, seed: 5);
        b.RestoreState(state);
        var got = b.Next();
        Assert.True(Same(got.X, expected.X) && Same(got.Y, expected.Y));
        var other = new ReplayMixBatches(Examples, Text, 4, 12, 0.5, SftBatchLayout.Pack, seed: 5);
        Assert.Contains("replay", Assert.Throws<InputException>(() => other.RestoreState(state)).Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    [InlineData(1.0)]
    public void A_fraction_that_leaves_no_replay_row_or_no_sft_row_is_refused(double fraction)
    {
        var e = Assert.Throws<InputException>(() => new ReplayMixBatches(Examples, Text, 4, 12, fraction, SftBatchLayout.Pack, 1));
        Assert.Contains("replay_fraction", e.Message);
    }

    [Fact]
    public void Replay_rows_are_the_rounded_share_of_the_batch()
    {
        Assert.Equal(2, ReplayMixBatches.ReplayRows(8, 0.25));
        Assert.Equal(1, ReplayMixBatches.ReplayRows(8, 0.0625));
        Assert.Equal(0, ReplayMixBatches.ReplayRows(8, 0));
        Assert.Throws<InputException>(() => new ReplayMixBatches(Examples, Text[..10], 4, 12, 0.5, SftBatchLayout.Pack, 1));
    }
}
