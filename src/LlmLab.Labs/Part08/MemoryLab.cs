using System.Globalization;
using System.Text;
using LlmLab.Agents.Memory;
using LlmLab.Inference;
using LlmLab.Labs.Framework;
using LlmLab.Labs.Part09;
using LlmLab.Nn.Gpt;
using LlmLab.Retrieval;
using LlmLab.Retrieval.Embeddings;
using LlmLab.Runtime;
using LlmLab.Training;
using Microsoft.Extensions.AI;
using ScottPlot;

namespace LlmLab.Labs.Part08;

/// <summary>
/// Lab 8.3 — a chatbot with persistent memory. A scripted multi-session conversation set (LOCOMO's categories) is
/// replayed into SQLite memories (facts that supersede, session summaries, episodic messages); every question is then
/// asked with retrieved memories, with the full history, and with nothing. The checks rest on retrieval against the
/// set's evidence turns and on the scripted reference answerer; a tiny local GPT answers too and is reported. Then the
/// memory is reopened (same retrievals after a restart) and a memory is deleted (a byte scan of the files finds none).
/// </summary>
public sealed class MemoryLab : Lab<MemoryLabConfig>
{
    protected override string Id => "8.3";

    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public override MemoryLabConfig Defaults(Profile profile) => MemoryLabConfig.For(profile);

    protected override void Validate(MemoryLabConfig cfg)
    {
        ConfigRules.InRange("k", cfg.K, 1, 50);
        ConfigRules.InRange("min_recall_at_k", cfg.MinRecallAtK, 0, 1);
        ConfigRules.InRange("min_reference_accuracy", cfg.MinReferenceAccuracy, 0, 1);
        ConfigRules.AtLeast("corpus_bytes", cfg.CorpusBytes, 10_000);
        ConfigRules.AtLeast("steps", cfg.Steps, 1);
        ConfigRules.InRange("layers", cfg.Layers, 1, 24);
        ConfigRules.InRange("width", cfg.Width, 8, 2048);
        ConfigRules.InRange("context", cfg.Context, 32, 4096);
        ConfigRules.InRange("reply_tokens", cfg.ReplyTokens, 1, 1024);
        if (cfg.EvalSet.Length > 0 && !File.Exists(cfg.EvalSet))
            throw new InputException($"--set eval_set={cfg.EvalSet}: no such file (format llmlab-memory-eval/1, see docs/part-08.md)");
        if (cfg.Checkpoint.Length > 0 && !Directory.Exists(cfg.Checkpoint))
            throw new InputException($"--set checkpoint={cfg.Checkpoint}: no such checkpoint folder");
    }

    public override void Run(LabContext ctx, MemoryLabConfig cfg)
    {
        var set = cfg.EvalSet.Length == 0 ? MemoryEvalSet.Builtin() : MemoryEvalSet.Load(cfg.EvalSet);
        using var encoder = OnnxSentenceEncoder.CreateMiniLm(threads: ctx.Threads);
        Func<string, int> wordPieces = s => encoder.Tokenize(s).Count;
        var options = new MemoryOptions(K: cfg.K, MaxReplyTokens: cfg.ReplyTokens);
        string dbs = Directory.CreateTempSubdirectory($"llmlab-lab83-{Environment.ProcessId}-").FullName;
        GptModel? local = null;
        try
        {
            var models = new Dictionary<string, IChatClient>();
            if (cfg.LocalModel) (local, models["local GPT"]) = LocalModel(ctx, cfg);
            var report = new MemoryEvaluator(encoder, wordPieces, options).RunAsync(set, dbs, models).GetAwaiter().GetResult();
            Introduce(ctx, set, cfg);
            Retrieval(ctx, cfg, report);
            Answers(ctx, cfg, set, report);
            Restart(ctx, set, report, dbs, encoder, options);
            Deletion(ctx, set, dbs);
            if (!cfg.LocalModel)
                ctx.Checks.KnownAnswer("the set's gold answers").Skip("local model's accuracy reported", "a table", "local_model=false");
        }
        finally
        {
            local?.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dbs, recursive: true);
        }
    }

    static (GptModel, IChatClient) LocalModel(LabContext ctx, MemoryLabConfig cfg)
    {
        TorchRuntime.EnsureLoaded(ctx.Threads);
        if (cfg.Checkpoint.Length > 0)
        {
            // The caller disposes the model, which is all the opened chat model owns.
            var local = LlmLab.Alignment.LocalChatModel.Open(cfg.Checkpoint, new SamplingParams(Temperature: 0, MaxTokens: cfg.ReplyTokens),
                PromptOverflow.TruncateLeft, "checkpoint");
            return (local.Model, local.Client);
        }
        // A tiny character-level GPT trained on the run's corpus: it has never seen a conversation, so its answers show
        // what memory cannot fix, not what it can (docs/part-08.md).
        var corpus = LabCorpus.Load(ctx, cfg.CorpusBytes, cfg.CorpusBytes / 10, "char", 0);
        var (gpt, _) = LabGptTrainer.Train(ctx, corpus, new LabGptPlan("local", cfg.Layers, cfg.Width, 2, cfg.Steps, 3e-3), cfg.Context,
            batch: 8, evalBatches: 4);
        return (gpt, new LocalChatClient(new GenerationEngine(gpt, corpus.Tokenizer, PromptOverflow.TruncateLeft), "local GPT", null,
            new SamplingParams(Temperature: 0, MaxTokens: cfg.ReplyTokens)));
    }

    static void Introduce(LabContext ctx, MemoryEvalSet set, MemoryLabConfig cfg)
    {
        var questions = set.Conversations.SelectMany(c => c.Questions).ToList();
        ctx.Report.Paragraph($"Conversation set `{set.Source}`: {set.Conversations.Count} users, " +
            $"{set.Conversations.Sum(c => c.Sessions.Count)} sessions, " +
            $"{set.Conversations.Sum(c => c.Sessions.Sum(s => s.Turns.Count))} turns; " +
            $"{questions.Count} questions asked a day after each user's last session (" +
            string.Join(", ", MemoryEvalSet.Categories.Select(k => $"{questions.Count(q => q.Category == k)} {k}")) + "). " +
            $"Memories: rule-based facts (a new value of a slot supersedes the old), extractive session summaries and the messages, " +
            $"embedded with MiniLM; k = {cfg.K}; tokens counted with MiniLM's WordPiece.");
    }

    static void Retrieval(LabContext ctx, MemoryLabConfig cfg, MemoryEvalReport report)
    {
        ctx.Report.Heading("Memory retrieval against the set's evidence turns");
        ctx.Report.Table(["category", $"recall@{cfg.K}"], MemoryEvalSet.Categories.Where(k => k != "no-answer")
            .Select(k => new[] { k, F(report.RecallAtK(k)) }).Append(["all", F(report.RecallAtK())]),
            "a turn counts as found when a retrieved message is that turn, a retrieved fact came from it, " +
            "or a retrieved summary covers it");
        ctx.Checks.KnownAnswer("the set's evidence turns")
            .AtLeast($"memory retrieval: evidence turns in the top {cfg.K} (recall@{cfg.K})", report.RecallAtK(), cfg.MinRecallAtK);
        ctx.Report.Paragraph($"Updated facts: an outdated value is among the retrieved memories for {F(report.OutdatedRate)} of the " +
            "questions (superseded facts and their messages are left out; a summary written before the update is re-rendered with " +
            "the current value when the newer fact is stored: `SummaryReviser`).");
        ctx.Report.Headline($"Memory recall@{cfg.K}", F(report.RecallAtK()));
        foreach (var r in report.Retrievals)
            ctx.Metrics.Log(new { part = "retrieval", user = r.User, question = r.Question, category = r.Category, recall = r.Recall,
                outdated = r.OutdatedRetrieved, retrieved = string.Join(",", r.Retrieved) });
    }

    static void Answers(LabContext ctx, MemoryLabConfig cfg, MemoryEvalSet set, MemoryEvalReport report)
    {
        ctx.Report.Heading("Answers: memory vs full context vs no memory");
        var rows = new List<string[]>();
        foreach (string answerer in report.Answerers)
            foreach (string condition in MemoryEvaluator.Conditions)
                rows.Add([answerer, condition, .. MemoryEvalSet.Categories.Select(k => F(report.Accuracy(answerer, condition, k))),
                    F(report.Accuracy(answerer, condition)), report.MeanTokens(answerer, condition).ToString("0", C),
                    report.MeanMilliseconds(answerer, condition).ToString("0.0", C)]);
        ctx.Report.Table(["answerer", "context", .. MemoryEvalSet.Categories, "all", "prompt tokens/query", "ms/query"], rows,
            "accuracy: every gold answer in the reply, no outdated value, no abstention " +
            "(abstaining is right only on no-answer questions); " +
            "times depend on the machine and its load: not checked");
        string R = MemoryEvaluator.Reference;
        double memory = report.Accuracy(R, "memory"), full = report.Accuracy(R, "full-context"), none = report.Accuracy(R, "no-memory");
        ctx.Checks.KnownAnswer("the set's gold answers")
            .AtLeast("reference answerer with memory: accuracy", memory, cfg.MinReferenceAccuracy);
        var questions = set.Conversations.SelectMany(c => c.Questions).ToList();
        double share = questions.Count(q => q.Category == "no-answer") / (double)questions.Count;
        ctx.Checks.Formula("with no memory only abstaining is right: accuracy = share of no-answer questions")
            .Close("reference answerer without memory: accuracy vs the share of no-answer questions", none, share, 1e-9, relative: false);
        double Outdated(string condition) => report.Answers.Count(a => a.Answerer == R && a.Condition == condition
            && a.Category == "updated"
            && questions.Single(q => q.Id == a.Question).Wrong.Any(w => a.Answer.Contains(w, StringComparison.OrdinalIgnoreCase)));
        ctx.Checks.KnownAnswer("the set's outdated values")
            .AtMost("updated facts: outdated answers with memory minus with the full history",
                Outdated("memory") - Outdated("full-context"), 0);
        ctx.Checks.Formula("prompt tokens counted with MiniLM's WordPiece on the same prompt renderer")
            .AtMost("prompt tokens per query, memory / full context",
                report.MeanTokens(R, "memory") / report.MeanTokens(R, "full-context"), 1);
        ctx.Report.Headline("Reference accuracy: memory / full context / none", $"{F(memory)} / {F(full)} / {F(none)}");
        Abstention(ctx, report);
        if (report.Answerers.Count > 1)
        {
            string name = report.Answerers[1];
            ctx.Report.Paragraph($"The {name}'s accuracy (reported, not checked): memory {F(report.Accuracy(name, "memory"))}, full " +
                $"context {F(report.Accuracy(name, "full-context"))}, none {F(report.Accuracy(name, "no-memory"))}. Example: " +
                $"\"{report.Answers.First(a => a.Answerer == name && a.Condition == "memory").Answer.ReplaceLineEndings(" ")}\".");
        }
        foreach (var a in report.Answers)
            ctx.Metrics.Log(new { part = "answer", user = a.User, question = a.Question, category = a.Category, condition = a.Condition,
                answerer = a.Answerer, correct = a.Correct, prompt_tokens = a.PromptTokens, ms = a.Milliseconds, answer = a.Answer });
        ctx.Plot("accuracy", AccuracyPlot(report), "reference answerer's accuracy per question category and context");
    }

    /// <summary>How the reference answerer's abstentions fare against the set's no-answer questions, with the threshold
    /// calibrated on the validation part (every other question) and reported on the other part.</summary>
    static void Abstention(LabContext ctx, MemoryEvalReport report)
    {
        string R = MemoryEvaluator.Reference;
        ctx.Report.Paragraph($"Abstention: the reference answerer says \"{ReferenceAnswerer.Abstention}\" when the best memory's cosine " +
            $"similarity to the question is below {report.AbstainBelow.ToString("0.000", C)}" + (report.Calibrated
                ? $", the cut that gets most abstain/answer decisions right on the set's validation part ({report.Validation.Count} " +
                  "questions: every other question of each user; `AbstentionThreshold`), frozen for the test part."
                : " (given)."));
        var rows = new List<string[]>();
        foreach (string condition in new[] { "memory", "full-context" })
            foreach (var (part, which) in new (string, bool?)[] { ("test", false), ("validation", true), ("all", null) })
            {
                var a = report.Abstention(R, condition, which);
                rows.Add([condition, part, $"{a.Right}/{a.Abstained}", F(a.Precision), $"{a.Right}/{a.NoAnswer}", F(a.Recall)]);
            }
        ctx.Report.Table(["context", "questions", "right abstentions / abstentions", "precision", "right / no-answer questions",
            "recall"], rows, "a right abstention is one on a no-answer question of the set (its labels, not the answerer's)");
        var test = report.Abstention(R, "memory", false);
        ctx.Report.Headline("Abstention on the test part (memory): precision / recall", $"{F(test.Precision)} / {F(test.Recall)}");
        ctx.Metrics.Log(new { part = "abstention", threshold = report.AbstainBelow, calibrated = report.Calibrated,
            test_abstained = test.Abstained, test_right = test.Right, test_no_answer = test.NoAnswer });
    }

    static void Restart(LabContext ctx, MemoryEvalSet set, MemoryEvalReport report, string dbs, OnnxSentenceEncoder encoder,
        MemoryOptions options)
    {
        ctx.Report.Heading("Restart and deletion");
        int same = 0, total = 0;
        foreach (var c in set.Conversations)
        {
            using var store = MemoryStore.Open(DbOf(dbs, c.User), encoder.ModelId, encoder.Dimensions);
            var candidates = MemoryRetriever.Candidates(store, c.User);
            foreach (var q in c.Questions)
            {
                float[] v = VectorMath.Normalized(encoder.Embed([q.Text])[0]);
                var labels = new MemoryRetriever(options).Rank(v, candidates, c.AskedAt, options.K).Select(r => r.Record.Label);
                total++;
                if (labels.SequenceEqual(report.Retrievals.Single(r => r.User == c.User && r.Question == q.Id).Retrieved)) same++;
            }
        }
        ctx.Checks.SelfConsistency("the same questions before and after reopening the databases")
            .Equal("questions whose retrieved memories differ after a restart", total - same, 0);
    }

    static void Deletion(LabContext ctx, MemoryEvalSet set, string dbs)
    {
        var c = set.Conversations[0];
        var q = c.Questions.FirstOrDefault(x => x.Answers.Count > 0);
        if (q is null)
        {
            ctx.Checks.BruteForce("a byte scan of the database files").Skip("deleted memory gone from the files", "0",
                "no answer to delete");
            return;
        }
        string db = DbOf(dbs, c.User), secret = q.Answers[0];
        long before = Occurrences(db, secret);
        (int Messages, int Facts, int Summaries, bool Checkpointed) deleted;
        using (var store = MemoryStore.Open(db, null, 0)) deleted = store.Delete(c.User, secret);
        long after = Occurrences(db, secret);
        ctx.Report.Paragraph($"Deleting what {c.User} said about \"{secret}\" removed {deleted.Messages} messages, {deleted.Facts} facts " +
            $"and {deleted.Summaries} summaries; the text occurred {before} times in the database files before, {after} after " +
            $"(secure_delete on; WAL checkpointed and truncated: {deleted.Checkpointed}).");
        var scan = ctx.Checks.BruteForce("a byte scan of the database, -wal and -shm files");
        if (before == 0) scan.Unavailable("deleted memory gone from the files", "present before, absent after",
            "the text was never stored");
        else scan.Equal($"occurrences of \"{secret}\" in the database files after deleting it", after, 0);
    }

    static long Occurrences(string db, string text)
    {
        byte[] needle = Encoding.UTF8.GetBytes(text);
        long n = 0;
        foreach (string f in new[] { db, db + "-wal", db + "-shm" }.Where(File.Exists))
        {
            var span = File.ReadAllBytes(f).AsSpan();
            for (int i = span.IndexOf(needle); i >= 0; i = span.IndexOf(needle))
            {
                n++;
                span = span[(i + needle.Length)..];
            }
        }
        return n;
    }

    static string DbOf(string dbs, string user) =>
        Path.Combine(dbs, $"memory-{string.Concat(user.Select(ch => char.IsLetterOrDigit(ch) ? ch : '_'))}.db");

    static Plot AccuracyPlot(MemoryEvalReport report)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var conditions = MemoryEvaluator.Conditions;
        var bars = new List<Bar>();
        for (int k = 0; k < MemoryEvalSet.Categories.Count; k++)
            for (int c = 0; c < conditions.Count; c++)
                bars.Add(new Bar
                {
                    Position = k * (conditions.Count + 1) + c, FillColor = palette.GetColor(c),
                    Value = 100 * report.Accuracy(MemoryEvaluator.Reference, conditions[c], MemoryEvalSet.Categories[k]),
                });
        plot.Add.Bars(bars);
        for (int c = 0; c < conditions.Count; c++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = conditions[c], FillColor = palette.GetColor(c) });
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        var ticks = Enumerable.Range(0, MemoryEvalSet.Categories.Count).Select(k => k * (conditions.Count + 1) + 1.0).ToArray();
        plot.Axes.Bottom.SetTicks(ticks,
            MemoryEvalSet.Categories.ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.YLabel("accuracy (%)");
        return plot;
    }

    static string F(double v) => double.IsNaN(v) ? "–" : v.ToString("0.000", C);
}
