using LlmLab.Retrieval.Chunking;
using LlmLab.Retrieval.Documents;
using LlmLab.Retrieval.Embeddings;
using LlmLab.Retrieval.Evaluation;
using LlmLab.Retrieval.Storage;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab rag index</c>: chunk, embed (MiniLM) and store documents; re-running embeds only changed chunks.</summary>
public sealed class RagIndexCommand : CliCommand
{
    public override string Name => "rag index";
    public override string Summary => "index documents (txt, md, html, jsonl, folders; or the Debian FAQ) into a SQLite RAG database";
    public override string Usage => "SOURCE… --db rag.db [--max-tokens 200] [--overlap 32] [--batch 32] " +
        "| --debian-faq [--lang en|fr] [--questions-out q.jsonl] --db rag.db";
    public override IReadOnlySet<string> Options => new HashSet<string> { "db", "max-tokens", "overlap", "batch", "lang", "questions-out" };
    public override IReadOnlySet<string> Flags => new HashSet<string> { "debian-faq" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        string db = args.Get("db") ?? throw new UsageException("--db is required", this);
        bool faq = args.Flag("debian-faq");
        if (!faq && args.Positionals.Count == 0) throw new UsageException("give at least one SOURCE (or --debian-faq)", this);
        var chunker = new Chunker(new ChunkerOptions(args.GetInt("max-tokens", 200, 8), args.GetInt("overlap", 32, 0)));
        var loader = new DocumentLoader();
        List<SourceDocument> docs;
        if (faq)
        {
            string path = args.Get("lang") switch { null or "en" => DebianFaq.EnglishPath, "fr" => DebianFaq.FrenchPath,
                var l => throw new InputException($"--lang {l}: use en or fr") };
            var (faqDocs, questions) = DebianFaq.Parse(DebianFaq.ReadInstalled(path));
            docs = faqDocs;
            if (args.Get("questions-out") is { } qPath)
            {
                QuestionSet.Save(qPath, questions);
                @out.WriteLine($"wrote {questions.Count} questions to {qPath}");
            }
        }
        else
        {
            docs = loader.Load(args.Positionals).ToList();
        }
        using var encoder = OnnxSentenceEncoder.CreateMiniLm(batchSize: args.GetInt("batch", 32, 1));
        using var store = RagStore.Open(db, encoder.ModelId, encoder.Dimensions);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var stats = SpectreProgress.Run(sink =>
        {
            using var task = sink.Begin("indexing", docs.Count);
            int done = 0;
            return new RagIndexer(store, chunker, encoder).Index(docs, loader.Skipped.Count, n => { task.Increment(n - done); done = n; });
        });
        foreach (var s in loader.Skipped) @out.WriteLine($"skipped {s}");
        @out.WriteLine($"{stats.Documents} documents: {stats.Added} chunks embedded, {stats.Kept} unchanged, {stats.Removed} removed, " +
            $"{stats.Skipped} skipped; {store.Count()} chunks in {db} ({sw.Elapsed.TotalSeconds:F1} s)");
        var index = RagIndex.Load(store); // builds and saves the HNSW snapshot now, not on the first question
        @out.WriteLine($"HNSW graph {(index.GraphLoaded ? "up to date" : "built and saved")}: {index.Vectors.Count} vectors");
        return 0;
    }
}
