using System.Text.Json;
using LlmLab.Retrieval.Answering;
using LlmLab.Retrieval.Embeddings;
using LlmLab.Retrieval.Evaluation;
using LlmLab.Retrieval.Search;
using LlmLab.Retrieval.Storage;
using Microsoft.Extensions.AI;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab rag ask</c>: retrieve and answer with numbered citations — the extractive answerer by default, a chat
/// model with <c>--openai-base-url URL --model NAME</c> (key from OPENAI_API_KEY) or <c>--model CHECKPOINT_DIR</c> — or
/// refuse. <c>--verbose</c> adds faithfulness and per-stage latency; <c>--json</c> prints all of it as one object.</summary>
public sealed class RagAskCommand : CliCommand
{
    public override string Name => "rag ask";
    public override string Summary => "answer a question from a RAG database with [n] citations and their sources";
    public override string Usage => $"\"question\" --db rag.db [--k 5] [--mode {RagCli.ModeNames}] [--source ID] [--threshold 0.25] " +
        "[--openai-base-url URL --model NAME | --model CHECKPOINT_DIR] [--verbose] [--json]";
    public override IReadOnlySet<string> Options => new HashSet<string>
        { "db", "k", "mode", "source", "threshold", "openai-base-url", "model" };
    public override IReadOnlySet<string> Flags => new HashSet<string> { "verbose", "json" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(1, this, "the question");
        string question = args.Positionals[0];
        if (string.IsNullOrWhiteSpace(question)) throw new InputException("the question is empty: give a question");
        string db = args.Get("db") ?? throw new UsageException("--db is required", this);
        int k = args.GetInt("k", 5, 1, 100);
        var mode = RagCli.ParseMode(args.Get("mode"));
        double threshold = args.GetDouble("threshold", 0.25);
        using var encoder = OnnxSentenceEncoder.CreateMiniLm();
        // The same model choice as llmlab chat: an endpoint (OpenAiCompatible), a local checkpoint, or none.
        var (model, _, owned, _) = ChatCli.Model(args, encoder);
        using var _owned = owned;
        RagIndex index;
        using (var store = RagCli.OpenExisting(db, encoder)) index = RagIndex.Load(store);
        IRagAnswerer answerer = model is null ? new ExtractiveAnswerer(encoder) : new ChatAnswerer(model);
        var pipeline = new RagPipeline(new HybridRetriever(index, encoder), answerer) { K = k, Mode = mode, RefusalThreshold = threshold };
        var sources = args.GetAll("source").ToHashSet(StringComparer.Ordinal);
        var answer = pipeline.AskAsync(question, sources.Count == 0 ? null : c => sources.Contains(c.SourceId)).GetAwaiter().GetResult();
        bool json = args.Flag("json"), verbose = args.Flag("verbose");
        var faithfulness = json || verbose
            ? new FaithfulnessChecker(encoder).CheckAsync(answer.Text, answer.Chunks).GetAwaiter().GetResult() : null;
        string answererName = model is null ? "extractive" : model.GetService<ChatClientMetadata>()?.DefaultModelId ?? "chat";
        if (json)
        {
            @out.WriteLine(JsonSerializer.Serialize(Json(question, answer, faithfulness!, answererName, mode)));
            return 0;
        }
        @out.WriteLine(answer.Text);
        @out.WriteLine();
        for (int i = 0; i < answer.Chunks.Count; i++)
        {
            var c = answer.Chunks[i];
            string mark = answer.Citations.Cited.Contains(i + 1) ? "*" : " ";
            @out.WriteLine($"{mark}[{i + 1}] {c.Chunk.Chunk.Title} ({c.Chunk.Chunk.SourceId}, chunk {c.Chunk.Chunk.Position}) " +
                $"similarity {c.Similarity:F3}");
        }
        if (verbose)
        {
            @out.WriteLine();
            if (answer.Citations.Invented.Count > 0)
                @out.WriteLine($"refused: the answer cited {string.Join(", ", answer.Citations.Invented.Select(n => $"[{n}]"))}, " +
                    "which name no given chunk");
            @out.WriteLine($"answerer {answererName}; faithfulness {Score(faithfulness!.Score)}: " +
                $"{faithfulness.Sentences.Count(s => s.Supported)} of {faithfulness.Sentences.Count} sentences supported by a cited chunk");
            foreach (var s in faithfulness.Sentences)
                @out.WriteLine($"  {(s.Supported ? "✓" : "✗")} token recall {s.TokenRecall:F2}, cosine {s.Cosine:F2}: {s.Sentence}");
            @out.WriteLine("latency " + string.Join(", ", answer.Latency.ToDictionary().Select(p => $"{p.Key} {p.Value:F1} ms")));
        }
        return 0;
    }

    static string Score(double v) => double.IsNaN(v) ? "n/a" : v.ToString("F2", System.Globalization.CultureInfo.InvariantCulture);

    static object Json(string question, RagAnswer answer, Faithfulness faithfulness, string answerer, RetrievalMode mode) => new
    {
        question, answer = answer.Text, refused = answer.Refused, answerer, mode = RagCli.Name(mode),
        citations = answer.Citations.Cited, invented_citations = answer.Citations.Invented,
        faithfulness = double.IsNaN(faithfulness.Score) ? (double?)null : faithfulness.Score,
        sentences = faithfulness.Sentences.Select(s => new
            { text = s.Sentence, cited = s.Cited, supported = s.Supported, token_recall = s.TokenRecall, cosine = s.Cosine }),
        chunks = answer.Chunks.Select((c, i) => new
        {
            n = i + 1, id = c.Chunk.Chunk.Id, source_id = c.Chunk.Chunk.SourceId, title = c.Chunk.Chunk.Title,
            position = c.Chunk.Chunk.Position, similarity = c.Similarity, score = c.Score, cited = answer.Citations.Cited.Contains(i + 1),
        }),
        latency_ms = answer.Latency.ToDictionary(),
    };
}
