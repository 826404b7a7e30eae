using System.Diagnostics;
using LlmLab.Labs.Framework;
using LlmLab.Retrieval.Embeddings;
using LlmLab.Retrieval.Evaluation;
using LlmLab.Retrieval.Search;
using LlmLab.Retrieval.Storage;

namespace LlmLab.Labs.Part08;

/// <summary>Lab 8.1's French slice: the French edition of the Debian FAQ (debian-faq-fr), same pipeline, same encoder.</summary>
public sealed partial class RagLab
{
    static void French(LabContext ctx, RagLabConfig cfg, OnnxSentenceEncoder encoder)
    {
        ctx.Report.Heading("The French FAQ (debian-faq-fr)");
        if (cfg.FrenchQuestions < 0)
        {
            ctx.Checks.KnownAnswer("the French FAQ's own question → section structure").Skip("French FAQ: hybrid recall@10",
                $"≥ {cfg.MinFrenchRecallAt10}", "french_questions = -1 (the smoke profile skips it; --profile quick runs it)");
            return;
        }
        if (!File.Exists(DebianFaq.FrenchPath))
        {
            ctx.Checks.Peer("the French Debian FAQ (package debian-faq-fr)")
                .Unavailable("French FAQ installed (apt-get install debian-faq-fr)", "installed", $"{DebianFaq.FrenchPath} missing");
            return;
        }
        var (docs, all) = DebianFaq.Parse(DebianFaq.ReadInstalled(DebianFaq.FrenchPath));
        if (File.Exists(DebianFaq.EnglishPath))
        {
            // The parser is checked on a text it was not written for: the translation keeps the English section numbers.
            var english = DebianFaq.Parse(DebianFaq.ReadInstalled()).Documents.Select(d => d.SourceId).ToHashSet(StringComparer.Ordinal);
            double shared = all.Count == 0 ? 0 : (double)all.Count(q => english.Contains(q.Relevant[0])) / all.Count;
            ctx.Checks.Peer("the English edition of the same FAQ (debian-faq)")
                .AtLeast($"French questions ({all.Count}) whose section number is a section of the English FAQ", shared, 0.9);
        }
        var questions = Spaced(all, cfg.FrenchQuestions);
        string db = TempDb();
        try
        {
            using var store = RagStore.Open(db, encoder.ModelId, encoder.Dimensions);
            var sw = Stopwatch.StartNew();
            var stats = Indexer(store, cfg, encoder).Index(docs);
            var retriever = new HybridRetriever(RagIndex.Load(store), encoder);
            ctx.Report.Paragraph($"{docs.Count} French sections → {stats.Added} chunks in " +
                $"{sw.Elapsed.TotalSeconds.ToString("0.0", C)} s; " +
                $"{questions.Count} of {all.Count} question headings asked. all-MiniLM-L6-v2 was trained on English pairs, so " +
                "dense retrieval is expected to fall behind BM25 here (whose analyzer splits French words as Lucene's does).");
            var results = RetrievalTable(ctx, retriever, questions, "fr");
            ctx.Checks.KnownAnswer("the French FAQ's own question → section structure")
                .AtLeast("French FAQ: hybrid recall@10", results[RetrievalMode.Hybrid].RecallAt10, cfg.MinFrenchRecallAt10);
        }
        finally
        {
            DeleteDb(db);
        }
    }
}
