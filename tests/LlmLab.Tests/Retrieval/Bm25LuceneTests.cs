using LlmLab.Retrieval.Lexical;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace LlmLab.Tests.Retrieval;

/// <summary>Our BM25 against Lucene.Net 4.8's BM25Similarity (k1 1.2, b 0.75) with StandardAnalyzer, on the same documents.</summary>
public class Bm25LuceneTests
{
    static readonly string[] Prose =
    [
        "Debian is a free operating system (OS) for your computer. An operating system is the set of basic programs.",
        "The Debian project is an association of individuals who have made common cause to create a free operating system.",
        "Packages are installed with apt-get install; apt-cache search finds them. Don't forget to run apt-get update first!",
        "The kernel is Linux 6.1, released on 11.12.2022; version 3.5 of the tool costs $1,000 (e.g. the old one).",
        "Stable, testing and unstable are the three main distributions. Each release has a code name from Toy Story.",
        "You can get Debian from www.debian.org, on CDs or DVDs, or over the network with a small installer image.",
        "Security updates for the stable release are published at security.debian.org and announced on a mailing list.",
        "Is it a bug? Report it with reportbug: the Debian bug tracking system keeps every report public.",
        "dpkg is the low-level package manager; apt is the high-level one that resolves dependencies between packages.",
        "The social contract and the Debian Free Software Guidelines (DFSG) describe the project's commitments to users.",
        "Ports: Debian runs on amd64, arm64, armhf, i386, mips64el, ppc64el and s390x architectures.",
        "A very short document.",
    ];

    static readonly string[] Queries =
    [
        "free operating system", "apt-get install packages", "stable release security updates", "Debian",
        "bug report tracking", "kernel version 3.5", "don't forget", "package manager dependencies dependencies",
    ];

    [Fact]
    public void AnalyzerMatchesLuceneStandardAnalyzer()
    {
        using var analyzer = new StandardAnalyzer(LuceneVersion.LUCENE_48);
        foreach (var text in Prose.Concat(Queries))
        {
            Assert.Equal(LuceneTerms(analyzer, text), TextAnalyzer.Standard.Analyze(text));
        }
    }

    [Theory]
    [InlineData(Bm25LengthNorm.LuceneSmallFloat, 1e-4)]
    [InlineData(Bm25LengthNorm.Exact, 0.0)]
    public void ProseScoresMatchLucene(Bm25LengthNorm norm, double tolerance) => Compare(Prose, Queries, norm, tolerance);

    [Theory]
    [InlineData(Bm25LengthNorm.LuceneSmallFloat, 1e-4)]
    [InlineData(Bm25LengthNorm.Exact, 0.0)]
    public void RandomDocumentsOfManyLengthsMatchLucene(Bm25LengthNorm norm, double tolerance)
    {
        // Lengths 1..400 hit many SmallFloat buckets; a small vocabulary gives tf > 1 and varied df.
        var rng = new Random(7);
        var vocab = Enumerable.Range(0, 60).Select(i => "w" + i).ToArray();
        var docs = Enumerable.Range(0, 150).Select(_ =>
            string.Join(' ', Enumerable.Range(0, rng.Next(1, 400)).Select(_ => vocab[(int)(vocab.Length * Math.Pow(rng.NextDouble(), 2))])))
            .ToArray();
        string[] queries = ["w0", "w1 w5", "w59 w58 w3", "w10 w10 w20", "w2 w4 w8 w16 w32"];
        Compare(docs, queries, norm, tolerance);
    }

    /// <summary>
    /// With <paramref name="tolerance"/> 0 the exact-length norm must differ from Lucene somewhere (its norm is lossy),
    /// and by no more than the quantisation allows (relative); otherwise every score must agree within the tolerance.
    /// </summary>
    static void Compare(string[] docs, string[] queries, Bm25LengthNorm norm, double tolerance)
    {
        var ours = new Bm25Index(new Bm25Options(1.2, 0.75, norm));
        for (int i = 0; i < docs.Length; i++) ours.Add(i, TextAnalyzer.Standard.Analyze(docs[i]));
        var lucene = LuceneScores(docs, queries);
        double maxDiff = 0, maxRelative = 0;
        for (int q = 0; q < queries.Length; q++)
        {
            var mine = ours.ScoreAll(TextAnalyzer.Standard.Analyze(queries[q]));
            Assert.Equal(lucene[q].Keys.Order(), mine.Keys.Select(k => (int)k).Order());
            foreach (var (doc, score) in lucene[q])
            {
                maxDiff = Math.Max(maxDiff, Math.Abs(score - mine[doc]));
                maxRelative = Math.Max(maxRelative, Math.Abs(score - mine[doc]) / score);
            }
        }
        if (tolerance > 0) Assert.True(maxDiff <= tolerance, $"max |ours − Lucene| = {maxDiff:E3} > {tolerance:E0}");
        // Exact lengths: visibly different from the lossy norm, within what 3 mantissa bits of 1/√dl allow.
        else Assert.True(maxDiff > 1e-4 && maxRelative < 0.3, $"max |Δ| = {maxDiff:E3}, max relative {maxRelative:P1}");
    }

    static List<Dictionary<int, double>> LuceneScores(string[] docs, string[] queries)
    {
        using var analyzer = new StandardAnalyzer(LuceneVersion.LUCENE_48);
        using var dir = new RAMDirectory();
        var config = new IndexWriterConfig(LuceneVersion.LUCENE_48, analyzer) { Similarity = new BM25Similarity(1.2f, 0.75f) };
        using (var writer = new IndexWriter(dir, config))
        {
            for (int i = 0; i < docs.Length; i++)
            {
                writer.AddDocument(new Document
                {
                    new StringField("id", i.ToString(), Field.Store.YES),
                    new TextField("body", docs[i], Field.Store.NO),
                });
            }
            writer.Commit();
        }
        using var reader = DirectoryReader.Open(dir);
        var searcher = new IndexSearcher(reader) { Similarity = new BM25Similarity(1.2f, 0.75f) };
        var result = new List<Dictionary<int, double>>();
        foreach (var text in queries)
        {
            var query = new BooleanQuery();
            foreach (var t in LuceneTerms(analyzer, text)) query.Add(new TermQuery(new Term("body", t)), Occur.SHOULD);
            var top = searcher.Search(query, docs.Length);
            result.Add(top.ScoreDocs.ToDictionary(sd => int.Parse(searcher.Doc(sd.Doc).Get("id")), sd => (double)sd.Score));
        }
        return result;
    }

    static List<string> LuceneTerms(Analyzer analyzer, string text)
    {
        var terms = new List<string>();
        using var stream = analyzer.GetTokenStream("body", text);
        var attr = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken()) terms.Add(attr.ToString());
        stream.End();
        return terms;
    }
}
