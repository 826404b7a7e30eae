using LlmLab.Retrieval.Answering;
using LlmLab.Retrieval.Chunking;
using LlmLab.Retrieval.Embeddings;
using LlmLab.Retrieval.Evaluation;
using LlmLab.Retrieval.Search;
using LlmLab.Retrieval.Storage;

namespace LlmLab.Tests.Retrieval;

/// <summary>The whole pipeline on the Debian FAQ (Debian package debian-faq; .ci/run installs it).</summary>
public sealed class DebianFaqEvalTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("llmlab-faq").FullName;

    [Fact]
    public void ParsesSectionsWithoutQuestionHeadings()
    {
        var (docs, questions) = DebianFaq.Parse(DebianFaq.ReadInstalled());
        Assert.InRange(docs.Count, 100, 200);
        Assert.InRange(questions.Count, 90, docs.Count);
        var q = questions.Single(x => x.Relevant[0] == "faq-1.2");
        Assert.Equal("What is Debian GNU/Linux?", q.Question);
        var doc = docs.Single(d => d.SourceId == "faq-1.2");
        Assert.DoesNotContain("What is Debian GNU/Linux?", doc.Text);
        Assert.StartsWith("Debian GNU/Linux is", doc.Text);
        // A heading wrapped over two lines is joined.
        Assert.Contains(questions, x =>
            x.Question.StartsWith("What is the difference between Debian GNU/Linux and other Linux distributions?"));
    }

    [Fact]
    public void ParsesTheFrenchFaqWithTheEnglishNumbering()
    {
        Assert.True(File.Exists(DebianFaq.FrenchPath), "needs Debian's debian-faq-fr package: apt-get install debian-faq-fr");
        var (docs, questions) = DebianFaq.Parse(DebianFaq.ReadInstalled(DebianFaq.FrenchPath));
        // French typography puts a no-break space before '?': still a question, and the space is normalised.
        var q = questions.Single(x => x.Relevant[0] == "faq-1.2");
        Assert.Equal("Qu'est-ce que Debian GNU/Linux ?", q.Question);
        Assert.DoesNotContain("Qu'est-ce que Debian GNU/Linux", docs.Single(d => d.SourceId == "faq-1.2").Text);
        // The translation keeps the English edition's sections: every French question names an English section.
        var english = DebianFaq.Parse(DebianFaq.ReadInstalled()).Documents.Select(d => d.SourceId).ToHashSet();
        Assert.InRange(questions.Count, 90, docs.Count);
        Assert.All(questions, x => Assert.Contains(x.Relevant[0], english));
    }

    [Fact]
    public void HybridRetrievalFindsTheGoldSection()
    {
        var (docs, questions) = DebianFaq.Parse(DebianFaq.ReadInstalled());
        using var encoder = OnnxSentenceEncoder.CreateMiniLm();
        using var store = RagStore.Open(Path.Combine(_dir, "faq.db"), encoder.ModelId, encoder.Dimensions);
        new RagIndexer(store, new Chunker(), encoder).Index(docs);
        var retriever = new HybridRetriever(RagIndex.Load(store), encoder);
        var sample = questions.Where((_, i) => i % 3 == 0).ToList(); // a third of the questions keeps the test short
        var results = new Dictionary<RetrievalMode, ModeMetrics>();
        foreach (var mode in Enum.GetValues<RetrievalMode>()) results[mode] = RagEvaluator.Retrieval(retriever, sample, mode);
        string table = string.Join("\n", results.Select(r =>
            $"{r.Key}: {string.Join(", ", r.Value.ToDictionary().Select(p => $"{p.Key} {p.Value:F3}"))}"));
        Console.WriteLine(table);
        // Questions were removed from the indexed text, so these are not lookups of the heading.
        Assert.True(results[RetrievalMode.Hybrid].RecallAt5 >= 0.6, table);
        Assert.True(results[RetrievalMode.Dense].RecallAt10 >= 0.6, table);
        Assert.True(results[RetrievalMode.Bm25].RecallAt10 >= 0.5, table);
        var quality = RagEvaluator.Answers(new RagPipeline(retriever, new ExtractiveAnswerer(encoder)), sample.Take(12).ToList());
        Console.WriteLine(quality);
        Assert.True(quality.ValidCitations >= 0.9 * (1 - quality.RefusalRate), quality.ToString());
        // ~150 sources: citing a relevant one by chance is ~1%; 0.2 is far above chance (0.32 measured on 12 questions).
        Assert.True(quality.CitationPrecision >= 0.2, quality.ToString());
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
