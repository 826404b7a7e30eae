using System.Text.Json;
using LlmLab.Retrieval.Answering;
using LlmLab.Retrieval.Embeddings;
using LlmLab.Retrieval.Evaluation;
using LlmLab.Retrieval.Search;
using LlmLab.Retrieval.Storage;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab rag eval</c>: recall@1/5/10, MRR, nDCG@10 per retrieval mode on a JSONL question set; answer quality with
/// --answers, whose faithfulness is also judged by a chat model with <c>--judge-model NAME [--judge-base-url URL]</c> (an
/// endpoint's model, key from OPENAI_API_KEY, or a checkpoint folder).</summary>
public sealed class RagEvalCommand : CliCommand
{
    public override string Name => "rag eval";
    public override string Summary => "retrieval metrics per mode (and answer quality) on a JSONL question set";
    public override string Usage => "--db rag.db --questions q.jsonl [--json] [--answers] [--limit N] " +
        "[--openai-base-url URL --model NAME | --model CHECKPOINT_DIR] [--judge-model NAME|CHECKPOINT_DIR [--judge-base-url URL]]";
    public override IReadOnlySet<string> Options => new HashSet<string>
        { "db", "questions", "limit", "openai-base-url", "model", "judge-model", "judge-base-url" };
    public override IReadOnlySet<string> Flags => new HashSet<string> { "json", "answers" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "no argument");
        string db = args.Get("db") ?? throw new UsageException("--db is required", this);
        string qPath = args.Get("questions") ?? throw new UsageException("--questions is required", this);
        string? judgeName = args.Get("judge-model"), judgeUrl = args.Get("judge-base-url");
        if (judgeUrl is not null && judgeName is null) throw new UsageException("--judge-base-url needs --judge-model NAME", this);
        if (judgeName is not null && !args.Flag("answers"))
            throw new UsageException("--judge-model judges answers: add --answers", this);
        // Opened first, so a bad judge setting is reported before minutes of work.
        using var judge = judgeName is null ? null : JudgeModel.Open(judgeName, judgeUrl);
        var questions = QuestionSet.Load(qPath).Take(args.GetInt("limit", int.MaxValue, 1)).ToList();
        if (questions.Count == 0) throw new InputException($"{qPath}: no questions");
        using var encoder = OnnxSentenceEncoder.CreateMiniLm();
        var (model, _, owned, _) = ChatCli.Model(args, encoder);
        using var _owned = owned;
        RagIndex index;
        using (var store = RagCli.OpenExisting(db, encoder)) index = RagIndex.Load(store);
        var retriever = new HybridRetriever(index, encoder);
        var result = new Dictionary<string, Dictionary<string, double>>();
        JudgeTally? tally = null;
        foreach (var mode in Enum.GetValues<RetrievalMode>())
        {
            result[RagCli.Name(mode)] = RagEvaluator.Retrieval(retriever, questions, mode).ToDictionary();
        }
        if (args.Flag("answers"))
        {
            IRagAnswerer answerer = model is null ? new ExtractiveAnswerer(encoder) : new ChatAnswerer(model);
            var q = RagEvaluator.Answers(new RagPipeline(retriever, answerer), questions,
                judge: judge is null ? null : new ChatFaithfulnessJudge(judge));
            tally = q.Judge;
            var row = new Dictionary<string, double>
            {
                ["token_f1"] = q.TokenF1, ["citation_precision"] = q.CitationPrecision, ["valid_citations"] = q.ValidCitations,
                ["refusal_rate"] = q.RefusalRate, ["ms_per_answer"] = q.MillisecondsPerAnswer,
            };
            // JSON has no NaN: faithfulness is left out when every question was refused.
            if (!double.IsNaN(q.Faithfulness)) row["faithfulness"] = q.Faithfulness;
            foreach (var (stage, ms) in q.Latency.ToDictionary()) row["ms_" + stage] = ms;
            result[model is null ? "extractive" : "chat"] = row;
        }
        if (args.Flag("json"))
        {
            // The judge's verdict counts beside the answerer's row; its first error (one line) only when a call failed.
            var json = result.ToDictionary(p => p.Key, p => (object)p.Value);
            if (tally is not null)
            {
                var verdicts = tally.ToDictionary().ToDictionary(p => p.Key, p => (object)p.Value);
                verdicts["model"] = judgeName!;
                if (tally.FirstError is not null) verdicts["first_error"] = tally.FirstError;
                json["judge"] = verdicts;
            }
            @out.WriteLine(JsonSerializer.Serialize(json));
            return 0;
        }
        @out.WriteLine($"{questions.Count} questions, {index.Chunks.Count} chunks");
        foreach (var (name, metrics) in result)
        {
            @out.WriteLine($"{name,-14} " + string.Join("  ", metrics.Select(m => $"{m.Key} {m.Value:F3}")));
        }
        if (tally is not null) @out.WriteLine($"{judgeName}: {tally.Summary()}");
        return 0;
    }
}
