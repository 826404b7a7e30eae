using System.Diagnostics;
using LlmLab.Labs.Framework;
using LlmLab.Retrieval.Answering;
using LlmLab.Retrieval.Chunking;
using LlmLab.Retrieval.Documents;
using LlmLab.Retrieval.Embeddings;
using LlmLab.Retrieval.Evaluation;
using LlmLab.Retrieval.Search;
using LlmLab.Retrieval.Storage;
using ScottPlot;

namespace LlmLab.Labs.Part08;

/// <summary>Lab 8.1's Debian FAQ sections: retrieval per mode, answers, latency per stage, SDK-docs distractors.</summary>
public sealed partial class RagLab
{
    static void Faq(LabContext ctx, RagLabConfig cfg, OnnxSentenceEncoder encoder)
    {
        ctx.Report.Heading("Retrieval on the Debian FAQ");
        if (!File.Exists(DebianFaq.EnglishPath))
        {
            ctx.Checks.Peer("the Debian FAQ (package debian-faq)")
                .Unavailable("Debian FAQ installed (apt-get install debian-faq debian-faq-fr)", "installed",
                    $"{DebianFaq.EnglishPath} missing");
            return;
        }
        var (docs, all) = DebianFaq.Parse(DebianFaq.ReadInstalled());
        var questions = Spaced(all, cfg.Questions);
        string db = TempDb();
        try
        {
            using var store = RagStore.Open(db, encoder.ModelId, encoder.Dimensions);
            var sw = Stopwatch.StartNew();
            var stats = Indexer(store, cfg, encoder).Index(docs);
            var index = RagIndex.Load(store);
            ctx.Report.Paragraph($"{docs.Count} sections of the FAQ (answers only: the heading is the question) → " +
                $"{stats.Added} chunks, embedded and indexed in {sw.Elapsed.TotalSeconds.ToString("0.0", C)} s; " +
                $"{questions.Count} of its {all.Count} question headings asked.");
            var retriever = new HybridRetriever(index, encoder);
            var results = RetrievalTable(ctx, retriever, questions, "en");
            var hybrid = results[RetrievalMode.Hybrid];
            ctx.Checks.KnownAnswer("the FAQ's own question → section structure")
                .AtLeast("hybrid retrieval: gold FAQ section in the top 10 sources (recall@10)", hybrid.RecallAt10,
                    cfg.MinHybridRecallAt10);
            ctx.Report.Headline("Hybrid recall@10 / MRR on the Debian FAQ", $"{F(hybrid.RecallAt10)} / {F(hybrid.Mrr)}");
            var answers = Answers(ctx, cfg, retriever, encoder, questions);
            LatencyTable(ctx, results, answers);
            SdkDistractors(ctx, cfg, store, encoder, questions, hybrid);
        }
        finally
        {
            DeleteDb(db);
        }
    }

    /// <summary>Every mode on <paramref name="questions"/>: table, metrics lines, recall@k plot; the metrics by mode.</summary>
    static Dictionary<RetrievalMode, ModeMetrics> RetrievalTable(LabContext ctx, HybridRetriever retriever, List<EvalQuestion> questions,
        string slice)
    {
        var curves = new Dictionary<RetrievalMode, double[]>();
        var results = new Dictionary<RetrievalMode, ModeMetrics>();
        var rows = new List<string[]>();
        foreach (var mode in Enum.GetValues<RetrievalMode>())
        {
            var m = results[mode] = RagEvaluator.Retrieval(retriever, questions, mode);
            curves[mode] = RecallCurve(retriever, questions, mode);
            rows.Add([mode.ToString(), F(m.RecallAt1), F(m.RecallAt5), F(m.RecallAt10), F(m.Mrr), F(m.NdcgAt10),
                m.MillisecondsPerQuery.ToString("0.0", C)]);
            ctx.Metrics.Log(new { part = "retrieval", slice, mode = mode.ToString(), recall_at_1 = m.RecallAt1, recall_at_5 = m.RecallAt5,
                recall_at_10 = m.RecallAt10, mrr = m.Mrr, ndcg_at_10 = m.NdcgAt10, ms_per_query = m.MillisecondsPerQuery });
        }
        ctx.Report.Table(["mode", "recall@1", "recall@5", "recall@10", "MRR", "nDCG@10", "ms/query"], rows,
            "a question counts its gold section once however many of its chunks are retrieved");
        ctx.Plot($"recall-at-k-{slice}", CurvePlot(curves), $"recall@k per retrieval mode ({slice}; gold: the question's own FAQ section)");
        return results;
    }

    static AnswerQuality Answers(LabContext ctx, RagLabConfig cfg, HybridRetriever retriever, OnnxSentenceEncoder encoder,
        List<EvalQuestion> questions)
    {
        ctx.Report.Heading("Grounded answers");
        var sample = cfg.AnswerQuestions == 0 ? questions : questions.Take(cfg.AnswerQuestions).ToList();
        var pipeline = new RagPipeline(retriever, new ExtractiveAnswerer(encoder)) { K = cfg.K };
        // A configured judge scores the same answers again (reported in its own table); the lexical figure stays the checked one.
        using var judgeClient = cfg.Judge.Length == 0 ? null
            : JudgeModel.Open(cfg.Judge, cfg.JudgeBaseUrl, "8.1: judge", "8.1: judge_base_url");
        var judge = judgeClient is null ? null : new ChatFaithfulnessJudge(judgeClient);
        var q = RagEvaluator.Answers(pipeline, sample, judge: judge);
        var rows = new List<string[]> { AnswerRow("extractive", sample.Count, q) };
        AnswerQuality? c = null;
        if (cfg.OpenaiBaseUrl.Length > 0)
        {
            using var chat = OpenAiCompatible.Create(cfg.OpenaiBaseUrl, cfg.OpenaiModel);
            c = RagEvaluator.Answers(new RagPipeline(retriever, new ChatAnswerer(chat)) { K = cfg.K }, sample, judge: judge);
            rows.Add(AnswerRow($"{cfg.OpenaiModel} (endpoint)", sample.Count, c));
        }
        ctx.Report.Table(["answerer", "questions", "token F1 vs first gold paragraph", "citation precision", "valid citations",
            "faithfulness", "refused", "ms/answer"], rows,
            "faithfulness: share of answer sentences whose content words a cited chunk contains (≥ 60%), a lexical proxy: it " +
            "catches invented content and misattributed citations, not contradictions. A chat model is reported, not checked.");
        if (cfg.OpenaiBaseUrl.Length == 0)
            ctx.Report.Paragraph("No chat model configured: `--set 8.1:openai_base_url=URL --set 8.1:openai_model=NAME` (key from " +
                "OPENAI_API_KEY) adds its row; `llmlab rag ask --openai-base-url URL --model NAME` asks one question.");
        ctx.Checks.SelfConsistency("the chunks actually given to the answerer")
            .AtLeast("answers whose citations name only given chunks (share of answered questions)",
            q.ValidCitations / Math.Max(1e-9, 1 - q.RefusalRate), 0.99);
        ctx.Checks.KnownAnswer("extractive sentences are copied verbatim from the chunk they cite")
            .AtLeast("faithfulness checker on the extractive answers", q.Faithfulness, cfg.MinFaithfulness);
        var (control, judgedControl) = ShiftedCitations(pipeline, sample, judge);
        ctx.Checks.KnownAnswer("the same answers citing a chunk they were not taken from")
            .AtMost("faithfulness checker on misattributed answers (negative control)", control, 0.5);
        JudgeTable(ctx, cfg, q, control, judgedControl, c);
        var off = pipeline.AskAsync("What is the best recipe for chocolate cake?").GetAwaiter().GetResult();
        ctx.Checks.KnownAnswer("an off-topic question the FAQ cannot answer")
            .True("an off-topic question is refused (\"not in the documents\")", off.Refused,
            $"best similarity {off.Chunks.Select(c => c.Similarity).DefaultIfEmpty(0).Max().ToString("0.000", C)}");
        var example = pipeline.AskAsync(sample[0].Question).GetAwaiter().GetResult();
        ctx.Report.Code($"Q: {sample[0].Question}\nA: {example.Text}\n" + string.Join("\n",
            example.Chunks.Select((c, i) => $"[{i + 1}] {c.Chunk.Chunk.Title} ({c.Chunk.Chunk.SourceId})")));
        return q;
    }

    /// <summary>Mean faithfulness when every citation [n] of an extractive answer is moved to the next given chunk — the
    /// checker must see that the sentence no longer comes from the chunk cited; with a judge, its verdicts on the same
    /// moved answers.</summary>
    static (double Lexical, JudgeTally? Judged) ShiftedCitations(RagPipeline pipeline, List<EvalQuestion> sample,
        IFaithfulnessChecker? judge)
    {
        var checker = new FaithfulnessChecker();
        var judged = new List<Faithfulness>();
        double sum = 0;
        int n = 0;
        foreach (var q in sample)
        {
            var a = pipeline.AskAsync(q.Question).GetAwaiter().GetResult();
            if (a.Refused || a.Chunks.Count < 2) continue;
            string moved = System.Text.RegularExpressions.Regex.Replace(a.Text, @"\[(\d+)\]",
                m => $"[{int.Parse(m.Groups[1].Value, C) % a.Chunks.Count + 1}]");
            double score = checker.CheckAsync(moved, a.Chunks).GetAwaiter().GetResult().Score;
            if (!double.IsNaN(score)) { sum += score; n++; }
            if (judge is not null) judged.Add(judge.CheckAsync(moved, a.Chunks).GetAwaiter().GetResult());
        }
        return (n == 0 ? double.NaN : sum / n, judge is null ? null : JudgeTally.Of(judged));
    }

    static string[] AnswerRow(string name, int count, AnswerQuality q) =>
        [name, count.ToString(C), F(q.TokenF1), F(q.CitationPrecision), F(q.ValidCitations), F(q.Faithfulness), F(q.RefusalRate),
            q.MillisecondsPerAnswer.ToString("0", C)];

    static void LatencyTable(LabContext ctx, Dictionary<RetrievalMode, ModeMetrics> modes, AnswerQuality answers)
    {
        ctx.Report.Heading("Latency per stage");
        var rows = modes.Select(p => (Name: p.Key.ToString(), L: p.Value.Latency)).ToList();
        rows.Add(("extractive answer (hybrid)", answers.Latency));
        ctx.Report.Table(["pipeline", "embed ms", "retrieve ms", "rerank ms", "generate ms", "total ms"],
            rows.Select(r => new[] { r.Name, Ms(r.L.EmbedMs), Ms(r.L.RetrieveMs), Ms(r.L.RerankMs), Ms(r.L.GenerateMs), Ms(r.L.TotalMs) }),
            "means per question, wall time on this machine (shared machines make these noisy): reported, not checked");
        foreach (var r in rows)
        {
            ctx.Metrics.Log(new { part = "latency", pipeline = r.Name, embed_ms = r.L.EmbedMs, retrieve_ms = r.L.RetrieveMs,
                rerank_ms = r.L.RerankMs, generate_ms = r.L.GenerateMs });
        }
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        for (int i = 0; i < rows.Count; i++)
        {
            double bottom = 0;
            var stages = new[] { rows[i].L.EmbedMs, rows[i].L.RetrieveMs, rows[i].L.RerankMs, rows[i].L.GenerateMs };
            for (int s = 0; s < stages.Length; s++)
            {
                bars.Add(new Bar { Position = i, ValueBase = bottom, Value = bottom + stages[s], FillColor = palette.GetColor(s) });
                bottom += stages[s];
            }
        }
        plot.Add.Bars(bars);
        for (int s = 0; s < StageLatency.StageNames.Count; s++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = StageLatency.StageNames[s], FillColor = palette.GetColor(s) });
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, rows.Count).Select(i => (double)i).ToArray(), rows.Select(r => r.Name).ToArray());
        plot.YLabel("ms per question");
        ctx.Plot("latency-per-stage", plot, "wall time per stage and question (stacked)");
    }

    static void SdkDistractors(LabContext ctx, RagLabConfig cfg, RagStore store, OnnxSentenceEncoder encoder, List<EvalQuestion> questions,
        ModeMetrics clean)
    {
        ctx.Report.Heading($"Scale: {cfg.SdkDocs:N0} SDK-docs documents as distractors");
        if (cfg.SdkDocs == 0)
        {
            ctx.Checks.KnownAnswer("the FAQ's own question → section structure").Skip("hybrid recall@10 with SDK-docs distractors",
                $"≥ {cfg.MinDistractedRecallAt10}", "sdk_docs = 0");
            return;
        }
        List<SourceDocument> sdk;
        try
        {
            sdk = new LlmLab.Text.SdkDocsCorpus().Read().Take(cfg.SdkDocs)
                .Select(d => new SourceDocument("sdk:" + d.Id, d.Id, d.Text, DocumentFormat.PlainText)).ToList();
        }
        catch (InputException e)
        {
            ctx.Checks.KnownAnswer("the FAQ's own question → section structure")
                .Unavailable("hybrid recall@10 with SDK-docs distractors", "the .NET SDK's XML reference", e.Message);
            return;
        }
        var sw = Stopwatch.StartNew();
        var stats = Indexer(store, cfg, encoder).Index(sdk);
        var index = RagIndex.Load(store);
        double seconds = sw.Elapsed.TotalSeconds;
        var retriever = new HybridRetriever(index, encoder);
        var m = RagEvaluator.Retrieval(retriever, questions, RetrievalMode.Hybrid);
        int distracted = questions.Count(q =>
            retriever.Search(q.Question, 1, RetrievalMode.Hybrid)[0].Chunk.Chunk.SourceId.StartsWith("sdk:", StringComparison.Ordinal));
        ctx.Report.Table(["index", "chunks", "hybrid recall@1", "recall@10", "MRR", "ms/query", "questions whose top hit is SDK docs"],
            [["FAQ only", (index.Chunks.Count - stats.Added).ToString("N0", C), F(clean.RecallAt1), F(clean.RecallAt10), F(clean.Mrr),
                clean.MillisecondsPerQuery.ToString("0.0", C), "—"],
             ["FAQ + SDK docs", index.Chunks.Count.ToString("N0", C), F(m.RecallAt1), F(m.RecallAt10), F(m.Mrr),
                m.MillisecondsPerQuery.ToString("0.0", C), $"{distracted} of {questions.Count}"]],
            $"{stats.Added:N0} SDK-docs chunks embedded in {seconds.ToString("0", C)} s ({(stats.Added / seconds).ToString("0", C)} " +
                "chunks/s, a shared machine); the first documents of the default corpus in its fixed order");
        ctx.Metrics.Log(new { part = "distractors", sdk_docs = cfg.SdkDocs, chunks = index.Chunks.Count, recall_at_10 = m.RecallAt10,
            mrr = m.Mrr, top1_distracted = distracted });
        ctx.Checks.KnownAnswer("the FAQ's own question → section structure")
            .AtLeast($"hybrid recall@10 with {cfg.SdkDocs:N0} SDK-docs distractors in the index", m.RecallAt10,
                cfg.MinDistractedRecallAt10);
    }

    static double[] RecallCurve(HybridRetriever retriever, IReadOnlyList<EvalQuestion> questions, RetrievalMode mode)
    {
        var curve = new double[10];
        foreach (var q in questions)
        {
            var ranked = RetrievalMetrics.DistinctSources(retriever.Search(q.Question, 20, mode).Select(c => c.Chunk.Chunk.SourceId));
            for (int k = 1; k <= 10; k++) curve[k - 1] += RetrievalMetrics.RecallAt(ranked, q.Relevant.ToHashSet(), k) / questions.Count;
        }
        return curve;
    }

    static Plot CurvePlot(Dictionary<RetrievalMode, double[]> curves)
    {
        var plot = new Plot();
        var ks = Enumerable.Range(1, 10).Select(k => (double)k).ToArray();
        foreach (var (mode, curve) in curves) plot.Add.Scatter(ks, curve).LegendText = mode.ToString();
        plot.XLabel("k (distinct sources)");
        plot.YLabel("recall@k");
        plot.ShowLegend();
        return plot;
    }

    static List<EvalQuestion> Spaced(List<EvalQuestion> all, int count) => count <= 0 || count >= all.Count ? all
        : Enumerable.Range(0, count).Select(i => all[i * all.Count / count]).ToList();

    static RagIndexer Indexer(RagStore store, RagLabConfig cfg, OnnxSentenceEncoder encoder) =>
        new(store, new Chunker(new ChunkerOptions(cfg.MaxTokens, cfg.OverlapTokens)), encoder);

    static string TempDb() => Path.Combine(Path.GetTempPath(), $"llmlab-lab81-{Environment.ProcessId}-{Guid.NewGuid():N}.db");

    static void DeleteDb(string db)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var f in new[] { db, db + "-wal", db + "-shm" }) if (File.Exists(f)) File.Delete(f);
    }

    static string Ms(double v) => v.ToString("0.0", C);
}
