using System.Text.Json.Nodes;
using LlmLab.Data.Shards;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Tests.Data.Shards;

public sealed class ShardBatchLoaderTests : IDisposable
{
    readonly ShardTestData _data = new();

    public ShardBatchLoaderTests()
    {
        TorchRuntime.EnsureLoaded(1);
        _data.Build("out");
    }

    public void Dispose() => _data.Dispose();

    static long[] Flat(Tensor t) => t.data<long>().ToArray();

    [Fact]
    public void Batches_are_B_by_T_and_y_is_x_shifted_by_one()
    {
        using var set = ShardSet.Open(_data.Path("out"));
        var loader = new ShardBatchLoader(set, 4, 16, seed: 1);
        using var scope = NewDisposeScope();
        var (x, y) = loader.Next();
        Assert.Equal([4L, 16], x.shape);
        Assert.Equal([4L, 16], y.shape);
        Assert.Equal(ScalarType.Int64, x.dtype);
        Assert.Equal(Flat(x[.., 1..]), Flat(y[.., ..^1]));
        Assert.Equal(1, loader.BatchesServed);
    }

    [Fact]
    public void An_epoch_serves_every_window_exactly_once()
    {
        using var set = ShardSet.Open(_data.Path("out"));
        const int T = 32;
        var loader = new ShardBatchLoader(set, 1, T, seed: 5);
        using var scope = NewDisposeScope();
        var all = ShardEvalBatches.Evenly(set, 4096, T, 1); // every window, in storage order
        var expected = Rows(all[0].X, T).Order().ToList();
        Assert.Equal(loader.WindowsPerEpoch, expected.Count);
        var served = new List<string>();
        for (long i = 0; i < loader.WindowsPerEpoch; i++) served.AddRange(Rows(loader.Next().X, T));
        Assert.Equal(0, loader.Epoch);
        Assert.Equal(expected, served.Order().ToList());
        Assert.NotEqual(Rows(all[0].X, T), served); // shuffled, not storage order
        loader.Next();
        Assert.Equal(1, loader.Epoch);
    }

    static IEnumerable<string> Rows(Tensor x, int t)
    {
        var flat = Flat(x);
        for (int r = 0; r < flat.Length / t; r++) yield return string.Join(',', flat.Skip(r * t).Take(t));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(40)] // past the end of the first epoch (about 26 batches of 8 × 16)
    public void A_restored_loader_continues_exactly_like_the_uninterrupted_one(int stopAfter)
    {
        using var set = ShardSet.Open(_data.Path("out"));
        using var scope = NewDisposeScope();
        var straight = new ShardBatchLoader(set, 8, 16, seed: 3);
        var interrupted = new ShardBatchLoader(set, 8, 16, seed: 3);
        for (int i = 0; i < stopAfter; i++) { straight.Next(); interrupted.Next(); }
        string saved = interrupted.SaveState().ToJsonString(); // what a checkpoint stores

        using var set2 = ShardSet.Open(_data.Path("out"));
        var resumed = new ShardBatchLoader(set2, 8, 16, seed: 3);
        resumed.RestoreState(JsonNode.Parse(saved)!.AsObject());
        Assert.Equal(stopAfter, resumed.BatchesServed);
        for (int i = 0; i < 30; i++)
        {
            var (x1, y1) = straight.Next();
            var (x2, y2) = resumed.Next();
            Assert.Equal(Flat(x1), Flat(x2));
            Assert.Equal(Flat(y1), Flat(y2));
        }
        Assert.Equal(straight.Epoch, resumed.Epoch);
        Assert.Equal(straight.SaveState().ToJsonString(), resumed.SaveState().ToJsonString());
    }

    [Fact]
    public void The_seed_decides_the_order()
    {
        using var set = ShardSet.Open(_data.Path("out"));
        using var scope = NewDisposeScope();
        var a = Flat(new ShardBatchLoader(set, 8, 16, 1).Next().X);
        Assert.Equal(a, Flat(new ShardBatchLoader(set, 8, 16, 1).Next().X));
        Assert.NotEqual(a, Flat(new ShardBatchLoader(set, 8, 16, 2).Next().X));
    }

    [Fact]
    public void A_state_from_other_settings_or_data_is_refused_with_the_field()
    {
        using var set = ShardSet.Open(_data.Path("out"));
        var state = new ShardBatchLoader(set, 8, 16, 1).SaveState();
        Assert.Contains("batch is 8 in the state but 4",
            Assert.Throws<InputException>(() => new ShardBatchLoader(set, 4, 16, 1).RestoreState(state)).Message);
        Assert.Contains("seed", Assert.Throws<InputException>(() => new ShardBatchLoader(set, 8, 16, 2).RestoreState(state)).Message);
        var changed = (JsonObject)state.DeepClone();
        changed["index_sha256"] = "00";
        Assert.Contains("index.json", Assert.Throws<InputException>(() => new ShardBatchLoader(set, 8, 16, 1).RestoreState(changed))
            .Message);
        changed = (JsonObject)state.DeepClone();
        changed.Remove("epoch");
        Assert.Contains("'epoch' is missing", Assert.Throws<InputException>(() => new ShardBatchLoader(set, 8, 16, 1).RestoreState(changed))
            .Message);
        changed = (JsonObject)state.DeepClone();
        changed["window_cursor"] = 1_000_000;
        Assert.Contains("outside these shards",
            Assert.Throws<InputException>(() => new ShardBatchLoader(set, 8, 16, 1).RestoreState(changed)).Message);
    }

    [Fact]
    public void Fixed_validation_batches_are_the_same_every_time()
    {
        using var set = ShardSet.Open(_data.Path("out"), "val");
        using var scope = NewDisposeScope();
        var a = ShardEvalBatches.Evenly(set, 4, 16, 3);
        var b = ShardEvalBatches.Evenly(set, 4, 16, 3);
        Assert.Equal(3, a.Count);
        for (int i = 0; i < a.Count; i++) Assert.Equal(Flat(a[i].X), Flat(b[i].X));
        Assert.Equal(Flat(a[0].X[.., 1..]), Flat(a[0].Y[.., ..^1]));
        Assert.Contains("not one window", Assert.Throws<InputException>(() => new ShardBatchLoader(set, 1, 1_000_000, 1)).Message);
    }
}
