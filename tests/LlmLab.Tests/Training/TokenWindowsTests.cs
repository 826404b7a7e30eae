using LlmLab.Data;
using LlmLab.Runtime;
using LlmLab.Training;
using static TorchSharp.torch;

namespace LlmLab.Tests.Training;

public sealed class TokenWindowsTests
{
    public TokenWindowsTests() => TorchRuntime.EnsureLoaded(1);

    static readonly int[] Tokens = Enumerable.Range(0, 50).Select(i => i * 3).ToArray(); // distinct values: positions are recoverable

    [Fact]
    public void Targets_are_the_inputs_shifted_by_one_token()
    {
        using var scope = NewDisposeScope();
        var (x, y) = TokenWindows.Sample(Tokens, context: 8, batch: 64, new Random(1));
        Assert.Equal([64L, 8L], x.shape);
        Assert.Equal([64L, 8L], y.shape);
        Assert.Equal(int64, x.dtype);
        long[] xs = x.data<long>().ToArray(), ys = y.data<long>().ToArray();
        var starts = new HashSet<long>();
        for (int b = 0; b < 64; b++)
        {
            long start = xs[b * 8] / 3;
            starts.Add(start);
            Assert.InRange(start, 0, 50 - 8 - 1); // the last target, y[T-1], is still inside the array
            for (int t = 0; t < 8; t++)
            {
                Assert.Equal(Tokens[start + t], xs[b * 8 + t]);
                Assert.Equal(Tokens[start + t + 1], ys[b * 8 + t]);
            }
        }
        Assert.True(starts.Count > 20, "starts are spread over the array");
        Assert.Contains(0L, starts);
        Assert.Contains(41L, starts);
    }

    [Fact]
    public void The_same_seed_draws_the_same_batches()
    {
        using var scope = NewDisposeScope();
        var a = new TokenWindowBatches(Tokens, 4, 5, 9);
        var b = new TokenWindowBatches(Tokens, 4, 5, 9);
        for (int i = 0; i < 3; i++) Assert.Equal(a.Next().X.data<long>().ToArray(), b.Next().X.data<long>().ToArray());
    }

    [Fact]
    public void Evenly_spaces_fixed_windows_and_caps_the_count()
    {
        using var scope = NewDisposeScope();
        var (x, y) = TokenWindows.Evenly(Tokens, context: 10, count: 4);
        Assert.Equal([0L, 30L, 60L, 90L], x.select(1, 0).data<long>().ToArray()); // starts 0, 10, 20, 30 of 40
        Assert.Equal(3L, y[0, 0].item<long>());
        var (all, _) = TokenWindows.Evenly(Tokens, context: 45, count: 100);
        Assert.Equal(5L, all.shape[0]); // only 5 starts leave room for the target
    }

    [Fact]
    public void Eval_set_cuts_windows_into_batches()
    {
        using var set = EvalSet.FromTokens(Tokens, context: 6, batch: 4, batches: 3);
        Assert.Equal(3, set.Batches.Count);
        Assert.Equal(12 * 6, set.Targets);
    }

    [Fact]
    public void Too_little_text_names_the_fix()
    {
        var e = Assert.Throws<ArgumentException>(() => TokenWindows.Sample(new int[8], context: 8, batch: 1, new Random(0)));
        Assert.Contains("longer than the context", e.Message);
        Assert.Throws<ArgumentException>(() => TokenWindows.Evenly(Tokens, context: 0, count: 1));
        Assert.Throws<ArgumentException>(() => new TokenWindowBatches(new int[3], 2, 3, 0));
    }
}
