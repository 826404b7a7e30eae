using LlmLab.Retrieval.Answering;
using LlmLab.Retrieval.Embeddings;
using LlmLab.Retrieval.Search;
using LlmLab.Retrieval.Storage;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab rag ask</c>: retrieve and answer with numbered citations (extractive answerer), or refuse.</summary>
public sealed class RagAskCommand : CliCommand
{
    public override string Name => "rag ask";
    public override string Summary => "answer a question from a RAG database with [n] citations and their sources";
    public override string Usage => $"\"question\" --db rag.db [--k 5] [--mode {RagCli.ModeNames}] [--source ID] [--threshold 0.25]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "db", "k", "mode", "source", "threshold" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(1, this, "the question");
        string question = args.Positionals[0];
        if (string.IsNullOrWhiteSpace(question)) throw new InputException("the question is empty: give a question");
        string db = args.Get("db") ?? throw new UsageException("--db is required", this);
        using var encoder = OnnxSentenceEncoder.CreateMiniLm();
        RagIndex index;
        using (var store = RagCli.OpenExisting(db, encoder)) index = RagIndex.Load(store);
        var retriever = new HybridRetriever(index, encoder);
        var pipeline = new RagPipeline(retriever, new ExtractiveAnswerer(encoder))
        {
            K = args.GetInt("k", 5, 1, 100),
            Mode = RagCli.ParseMode(args.Get("mode")),
            RefusalThreshold = args.GetDouble("threshold", 0.25),
        };
        var sources = args.GetAll("source").ToHashSet(StringComparer.Ordinal);
        var answer = pipeline.AskAsync(question, sources.Count == 0 ? null : c => sources.Contains(c.SourceId)).GetAwaiter().GetResult();
        @out.WriteLine(answer.Text);
        @out.WriteLine();
        for (int i = 0; i < answer.Chunks.Count; i++)
        {
            var c = answer.Chunks[i];
            string mark = answer.Citations.Cited.Contains(i + 1) ? "*" : " ";
            @out.WriteLine($"{mark}[{i + 1}] {c.Chunk.Chunk.Title} ({c.Chunk.Chunk.SourceId}, chunk {c.Chunk.Chunk.Position}) " +
                $"similarity {c.Similarity:F3}");
        }
        return 0;
    }
}
