using LlmLab.Text;

namespace LlmLab.Tests.Text;

public class CorpusSplitTests
{
    [Fact]
    public void Hash_is_fnv1a_64_then_fmix64_pinned()
    {
        // FNV-1a 64 of "" is the offset basis 0xcbf29ce484222325 and of "a" is 0xaf63dc4c8601ec8c (published test
        // vectors); the pins below are those values after fmix64, so a change of either step fails here.
        Assert.Equal(Fmix64(0xcbf29ce484222325UL), CorpusSplit.Hash(""));
        Assert.Equal(Fmix64(0xaf63dc4c8601ec8cUL), CorpusSplit.Hash("a"));
        // Computed independently in Python (UTF-8 bytes, so "é" counts as two).
        Assert.Equal(0x62f0d8f5565a8bcbUL, CorpusSplit.Hash("M:System.String.Split(System.Char[])"));
        Assert.Equal(0xf50b1f8e2c0682e6UL, CorpusSplit.Hash("café"));
    }

    static ulong Fmix64(ulong h)
    {
        h ^= h >> 33; h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33; h *= 0xc4ceb9fe1a85ec53UL;
        return h ^ (h >> 33);
    }

    [Fact]
    public void Split_is_stable_and_close_to_the_fraction()
    {
        var ids = Enumerable.Range(0, 20_000).Select(i => $"M:System.Foo.Bar{i}(System.Int32)").ToList();
        var first = ids.Select(id => CorpusSplit.IsValidation(id)).ToList();
        Assert.Equal(first, ids.Select(id => CorpusSplit.IsValidation(id)));
        double share = first.Count(v => v) / (double)ids.Count;
        Assert.InRange(share, 0.045, 0.055); // 5% ± ~3 binomial standard deviations (σ ≈ 0.0015)
        double tenth = ids.Count(id => CorpusSplit.IsValidation(id, 0.1)) / (double)ids.Count;
        Assert.InRange(tenth, 0.093, 0.107);
    }

    [Fact]
    public void Fraction_bounds_are_enforced_and_extremes_are_exact()
    {
        Assert.False(CorpusSplit.IsValidation("x", 0));
        Assert.True(CorpusSplit.IsValidation("x", 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => CorpusSplit.IsValidation("x", 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => CorpusSplit.IsValidation("x", double.NaN));
    }

    [Fact]
    public void Train_and_validation_views_partition_the_corpus()
    {
        var source = new ListSource(Enumerable.Range(0, 2000).Select(i => new Document($"d{i}", $"text {i}", "s")).ToList());
        var train = source.Train().Read().Select(d => d.Id).ToList();
        var validation = source.Validation().Read().Select(d => d.Id).ToList();
        Assert.Equal(2000, train.Count + validation.Count);
        Assert.Empty(train.Intersect(validation));
        Assert.InRange(validation.Count, 60, 140); // 5% of 2000 = 100
        Assert.Equal(validation, source.Validation().Read().Select(d => d.Id)); // same in every call
        Assert.Equal("list (validation)", source.Validation().Name);
    }

    sealed class ListSource(List<Document> docs) : IDocumentSource
    {
        public string Name => "list";
        public IEnumerable<Document> Read(CancellationToken cancellationToken = default) => docs;
    }
}
