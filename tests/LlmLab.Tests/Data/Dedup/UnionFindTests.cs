using LlmLab.Data.Dedup;

namespace LlmLab.Tests.Data.Dedup;

public class UnionFindTests
{
    [Fact]
    public void Sets_are_named_by_their_smallest_member_whatever_the_union_order()
    {
        var edges = new[] { (5, 3), (3, 9), (1, 7), (8, 7), (0, 0) };
        int[]? first = null;
        foreach (var order in new[] { edges, edges.Reverse().ToArray(), edges.Select(e => (e.Item2, e.Item1)).ToArray() })
        {
            var uf = new UnionFind(10);
            foreach (var (a, b) in order) uf.Union(a, b);
            var ids = uf.Smallest();
            Assert.Equal([0, 1, 2, 3, 4, 3, 6, 1, 1, 3], ids);
            first ??= ids;
            Assert.Equal(first, ids);
            Assert.Equal(3, uf.SizeOf(9));
            Assert.False(uf.Union(5, 9));
            Assert.True(uf.Union(2, 4));
        }
    }

    [Fact]
    public void A_long_chain_is_one_set_and_find_stays_shallow()
    {
        var uf = new UnionFind(100_000);
        for (int i = 1; i < uf.Count; i++) uf.Union(i, i - 1);
        Assert.All(uf.Smallest(), id => Assert.Equal(0, id));
        Assert.Equal(100_000, uf.SizeOf(12345));
    }
}
