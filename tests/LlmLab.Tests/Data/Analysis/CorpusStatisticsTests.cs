using LlmLab.Data.Analysis;
using LlmLab.Text;
using LlmLab.Tokenization;

namespace LlmLab.Tests.Data.Analysis;

/// <summary>Statistics merged across shards equal one pass over the whole, whatever the cut, the block or the workers.</summary>
public sealed class CorpusStatisticsTests
{
    static List<Document> Corpus(int n)
    {
        var rng = new Random(5);
        var docs = new List<Document>();
        for (int i = 0; i < n; i++)
        {
            string text = (i % 7) switch
            {
                0 => "Le chat est sur la table et le chien dort dans le jardin depuis ce matin.",
                1 => "• item\n• item\n• item",                      // bullets and duplicate lines
                2 => "Lorem ipsum dolor sit amet, consectetur.",
                _ => SyntheticText.Zipf(rng, 20 + rng.Next(120), 1.1, 500),
            };
            docs.Add(new Document($"doc{i}", text, $"src{i % 3}"));
        }
        return docs;
    }

    static AnalysisOptions Options => new(CharTokenizerFor(), LanguageIdentifier.Default, ExamplesPerRule: 2);

    static ITokenizer CharTokenizerFor() => CharTokenizer.Build(Corpus(70).Select(d => d.Text), UnknownCharPolicy.Unk);

    [Fact]
    public void Merging_two_halves_equals_one_pass()
    {
        var docs = Corpus(140);
        var o = Options;
        foreach (int cut in new[] { 0, 1, 70, 140 })
        {
            var one = new CorpusStatistics(o);
            docs.ForEach(one.Add);
            var a = new CorpusStatistics(o);
            var b = new CorpusStatistics(o);
            docs.Take(cut).ToList().ForEach(a.Add);
            docs.Skip(cut).ToList().ForEach(b.Add);
            a.Merge(b);
            Assert.True(a.SameAs(one), $"cut at {cut}");
        }
    }

    [Fact]
    public void Merging_out_of_order_differs_where_order_matters()
    {
        var docs = Corpus(40);
        var o = Options;
        var a = new CorpusStatistics(o);
        var b = new CorpusStatistics(o);
        docs.Take(20).ToList().ForEach(a.Add);
        docs.Skip(20).ToList().ForEach(b.Add);
        var one = new CorpusStatistics(o);
        docs.ForEach(one.Add);
        b.Merge(a); // B then A: counts agree, first positions and examples do not
        Assert.False(b.SameAs(one));
        Assert.Equal(one.Documents, b.Documents);
        Assert.Equal(one.TypeFrequencies(), b.TypeFrequencies());
    }

    [Theory]
    [InlineData(1, 1000)]
    [InlineData(2, 13)]
    [InlineData(3, 50)]
    public void Analyzer_on_workers_and_blocks_equals_one_pass(int workers, int block)
    {
        var docs = Corpus(150);
        var o = Options;
        var one = new CorpusStatistics(o);
        docs.ForEach(one.Add);
        long last = 0;
        var s = CorpusAnalyzer.Analyze(docs, o, workers, block, n => last = n);
        Assert.True(s.SameAs(one));
        Assert.Equal(150, last);
    }

    [Fact]
    public void Counts_sources_rules_and_examples()
    {
        var s = new CorpusStatistics(Options);
        Corpus(14).ForEach(s.Add);
        Assert.Equal(14, s.Documents);
        Assert.Equal(3, s.Sources.Count);
        int lorem = QualityRules.All.ToList().FindIndex(r => r.Id == "c4.lorem_ipsum");
        Assert.Equal(2, s.Removed(lorem));                 // doc2 and doc9
        Assert.Equal(["doc2", "doc9"], s.Examples(lorem).Select(e => e.DocumentId));
        Assert.Equal(2, s.Languages["fr"]);                 // doc0 and doc7
        Assert.Equal(s.Chars, s.CharacterClassCounts.Sum()); // ASCII only: one scalar per char
        // Vocabulary growth: the first type is at position 0, positions are distinct and below the stream length.
        var first = s.FirstPositions();
        Assert.Equal(0, first[0]);
        Assert.Equal(first.Length, first.Distinct().Count());
        Assert.True(first[^1] < s.TypeOccurrences);
    }

    [Fact]
    public void Statistics_of_different_tokenizers_do_not_merge()
    {
        var a = new CorpusStatistics(new AnalysisOptions(CharTokenizerFor()));
        var b = new CorpusStatistics(new AnalysisOptions());
        Assert.Throws<ArgumentException>(() => a.Merge(b));
        Assert.Throws<ArgumentException>(() => new Histogram(0, 1, 10).Merge(new Histogram(0, 1, 20)));
    }

    [Fact]
    public void Histogram_bins_clip_and_log_scale()
    {
        var h = new Histogram(1, 1000, 3, log10: true);
        foreach (double v in new[] { 0.5, 5, 50, 500, 5000, double.NaN }) h.Add(v);
        Assert.Equal([2L, 1, 2], h.Counts);
        Assert.Equal(5, h.Total);
        Assert.Equal(10, h.Edge(1), 9);
    }
}
