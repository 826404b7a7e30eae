using System.Text.Json;
using LlmLab.Retrieval.Answering;
using LlmLab.Retrieval.Embeddings;
using LlmLab.Retrieval.Evaluation;
using LlmLab.Retrieval.Search;
using LlmLab.Retrieval.Storage;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab rag eval</c>: recall@1/5/10, MRR, nDCG@10 per retrieval mode on a JSONL question set; answer quality with
/// --answers.</summary>
public sealed class RagEvalCommand : CliCommand
{
    public override string Name => "rag eval";
    public override string Summary => "retrieval metrics per mode (and answer quality) on a JSONL question set";
    public override string Usage => "--db rag.db --questions q.jsonl [--json] [--answers] [--limit N]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "db", "questions", "limit" };
    public override IReadOnlySet<string> Flags => new HashSet<string> { "json", "answers" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "no argument");
        string db = args.Get("db") ?? throw new UsageException("--db is required", this);
        string qPath = args.Get("questions") ?? throw new UsageException("--questions is required", this);
        var questions = QuestionSet.Load(qPath).Take(args.GetInt("limit", int.MaxValue, 1)).ToList();
        if (questions.Count == 0) throw new InputException($"{qPath}: no questions");
        using var encoder = OnnxSentenceEncoder.CreateMiniLm();
        RagIndex index;
        using (var store = RagCli.OpenExisting(db, encoder)) index = RagIndex.Load(store);
        var retriever = new HybridRetriever(index, encoder);
        var result = new Dictionary<string, Dictionary<string, double>>();
        foreach (var mode in Enum.GetValues<RetrievalMode>())
        {
            result[RagCli.Name(mode)] = RagEvaluator.Retrieval(retriever, questions, mode).ToDictionary();
        }
        if (args.Flag("answers"))
        {
            var q = RagEvaluator.Answers(new RagPipeline(retriever, new ExtractiveAnswerer(encoder)), questions);
            result["extractive"] = new()
            {
                ["token_f1"] = q.TokenF1, ["citation_precision"] = q.CitationPrecision, ["valid_citations"] = q.ValidCitations,
                ["refusal_rate"] = q.RefusalRate, ["ms_per_answer"] = q.MillisecondsPerAnswer,
            };
        }
        if (args.Flag("json"))
        {
            @out.WriteLine(JsonSerializer.Serialize(result));
            return 0;
        }
        @out.WriteLine($"{questions.Count} questions, {index.Chunks.Count} chunks");
        foreach (var (name, metrics) in result)
        {
            @out.WriteLine($"{name,-14} " + string.Join("  ", metrics.Select(m => $"{m.Key} {m.Value:F3}")));
        }
        return 0;
    }
}
