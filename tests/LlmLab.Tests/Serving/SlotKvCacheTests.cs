using LlmLab.Inference.Serving;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Tests.Serving;

public class SlotKvCacheTests
{
    [Fact]
    public void Rows_at_different_lengths_get_their_own_positions_and_mask()
    {
        TorchRuntime.EnsureLoaded(1);
        using var cache = new SlotKvCache(layers: 1, slots: 3, capacity: 8);
        using var scope = NewDisposeScope();
        cache.Slot(0).Append(0, ones(1, 2, 3, 4), ones(1, 2, 3, 4));                          // 3 tokens in slot 0
        cache.Slot(2).Append(0, ones(1, 2, 1, 4), ones(1, 2, 1, 4));                          // 1 token in slot 2
        var (view, positions, mask) = cache.Rows([2, 0]);
        Assert.Equal(new long[] { 1, 3 }, positions.data<long>().ToArray());
        Assert.Equal(new long[] { 2, 1, 1, 4 }, mask.shape);
        Assert.Equal(new[] { true, true, false, false, true, true, true, true }, mask.data<bool>().ToArray());
        var (k, _) = view.Append(0, full(2, 2, 1, 4, 7f), full(2, 2, 1, 4, 7f));               // (R, nkv, S, hs)
        Assert.Equal(new long[] { 2, 2, 4, 4 }, k.shape);
        Assert.Equal(7f, k[0, 0, 1, 0].item<float>());                                        // slot 2's new key at index 1
        Assert.Equal(7f, k[1, 0, 3, 0].item<float>());                                        // slot 0's at index 3
        Assert.Equal((2, 4), (cache.Length(2), cache.Length(0)));
        cache.Free(0);
        Assert.Equal(2, cache.TotalLength);
    }

    [Fact]
    public void A_full_slot_is_refused_with_its_capacity()
    {
        TorchRuntime.EnsureLoaded(1);
        using var cache = new SlotKvCache(1, 1, 2);
        using var scope = NewDisposeScope();
        cache.Slot(0).Append(0, ones(1, 1, 2, 2), ones(1, 1, 2, 2));
        Assert.Contains("full (2 tokens)", Assert.Throws<InvalidOperationException>(() => cache.Rows([0])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => cache.Slot(1));
    }
}
