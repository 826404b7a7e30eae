using LlmLab.Runtime;
using LlmLab.Training.Distributed;
using static TorchSharp.torch;

namespace LlmLab.Tests.Distributed;

/// <summary>The in-process back-end against sums and concatenations computed directly (brute force).</summary>
public sealed class CollectivesTests
{
    public CollectivesTests() => TorchRuntime.EnsureLoaded(1);

    /// <summary>Rank r's deterministic buffer of n values.</summary>
    static Tensor Data(int rank, int n) => arange(n, dtype: ScalarType.Float32).mul(0.37).add(rank * 1.5).sin();

    [Fact]
    public void All_reduce_gives_every_rank_the_same_sum()
    {
        const int n = 3, len = 10;
        var expected = Enumerable.Range(0, n).Select(r => Data(r, len)).Aggregate((a, b) => a + b).data<float>().ToArray();
        var got = InProcessRanks.Run(n, c =>
        {
            using var t = Data(c.Rank, len);
            c.AllReduceSum(t);
            return t.data<float>().ToArray();
        });
        foreach (var g in got) Assert.Equal(expected, g, (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Equal(got[0], got[2]); // bit-identical on every rank
    }

    [Fact]
    public void Reduce_scatter_and_all_gather_split_and_join_in_rank_order()
    {
        const int n = 2, k = 4;
        var sum = (Data(0, n * k) + Data(1, n * k)).data<float>().ToArray();
        var got = InProcessRanks.Run(n, c =>
        {
            using var input = Data(c.Rank, n * k);
            using var shard = zeros(k);
            c.ReduceScatterSum(input, shard);
            using var full = zeros(n * k);
            c.AllGather(shard, full);
            return (Shard: shard.data<float>().ToArray(), Full: full.data<float>().ToArray(), c.Counters.SentBytes);
        });
        for (int r = 0; r < n; r++)
        {
            Assert.Equal(sum.Skip(r * k).Take(k), got[r].Shard, (a, b) => Math.Abs(a - b) < 1e-6);
            Assert.Equal(sum, got[r].Full, (a, b) => Math.Abs(a - b) < 1e-6);
            // Ring volume: (N−1)/N of the 32 bytes for each of the two calls.
            Assert.Equal(2 * 0.5 * n * k * 4, got[r].SentBytes);
        }
    }

    [Fact]
    public void Broadcast_copies_the_roots_buffer()
    {
        var got = InProcessRanks.Run(3, c =>
        {
            using var t = Data(c.Rank, 5);
            c.Broadcast(t, root: 2);
            return t.data<float>().ToArray();
        });
        var root = Data(2, 5).data<float>().ToArray();
        Assert.All(got, g => Assert.Equal(root, g));
    }

    [Fact]
    public void A_failed_rank_makes_the_others_fail_instead_of_hanging()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<AggregateException>(() => InProcessRanks.Run(2, c =>
        {
            if (c.Rank == 1) throw new InvalidOperationException("rank 1 died");
            using var t = zeros(3);
            c.AllReduceSum(t); // rank 0 waits here for a rank that will never come
            return 0;
        }, TimeSpan.FromSeconds(20)));
        Assert.Contains("rank 1 died", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public void A_rank_that_never_arrives_times_out_naming_the_waiting_rank()
    {
        var e = Assert.Throws<AggregateException>(() => InProcessRanks.Run(2, c =>
        {
            if (c.Rank == 1) { Thread.Sleep(1500); return 0; } // returns without ever joining the collective
            using var t = zeros(3);
            c.AllReduceSum(t);
            return 0;
        }, TimeSpan.FromSeconds(0.5)));
        Assert.IsType<TimeoutException>(e.InnerException);
        Assert.Contains("rank 0", e.Message);
    }

    [Fact]
    public void Buffers_must_be_contiguous_float_cpu_tensors()
    {
        using var group = new InProcessCollectives.Group(1);
        var c = group.For(0);
        using var ints = zeros(3, ScalarType.Int64);
        Assert.Contains("float32", Assert.Throws<ArgumentException>(() => c.AllReduceSum(ints)).Message);
        using var m = zeros(3, 4);
        Assert.Contains("contiguous", Assert.Throws<ArgumentException>(() => c.AllReduceSum(m.t())).Message);
    }
}
