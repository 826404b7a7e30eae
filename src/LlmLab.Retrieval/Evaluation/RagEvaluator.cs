using System.Diagnostics;
using LlmLab.Retrieval.Answering;
using LlmLab.Retrieval.Search;

namespace LlmLab.Retrieval.Evaluation;

/// <summary>Runs a question set through retrieval modes and answerers. Not thread-safe.</summary>
public static class RagEvaluator
{
    /// <summary>Recall@1/5/10, MRR and nDCG@10 for one mode, over the distinct sources of a ranked chunk list <paramref name="depth"/>
    /// long.</summary>
    public static ModeMetrics Retrieval(HybridRetriever retriever, IReadOnlyList<EvalQuestion> questions, RetrievalMode mode,
        int depth = 20)
    {
        double r1 = 0, r5 = 0, r10 = 0, mrr = 0, ndcg = 0;
        var latency = new StageLatency();
        var sw = Stopwatch.StartNew();
        foreach (var q in questions)
        {
            // Chunks are retrieved deeper than 10 so that 10 distinct sources remain after several chunks of one collapse.
            var hits = retriever.Search(q.Question, depth, mode, latency: latency);
            var ranked = RetrievalMetrics.DistinctSources(hits.Select(c => c.Chunk.Chunk.SourceId));
            var rel = q.Relevant.ToHashSet(StringComparer.Ordinal);
            r1 += RetrievalMetrics.RecallAt(ranked, rel, 1);
            r5 += RetrievalMetrics.RecallAt(ranked, rel, 5);
            r10 += RetrievalMetrics.RecallAt(ranked, rel, 10);
            mrr += RetrievalMetrics.ReciprocalRank(ranked.Take(10).ToList(), rel);
            ndcg += RetrievalMetrics.NdcgAt(ranked, rel, 10);
        }
        int n = Math.Max(questions.Count, 1);
        return new ModeMetrics(r1 / n, r5 / n, r10 / n, mrr / n, ndcg / n, sw.Elapsed.TotalMilliseconds / n, latency.Scaled(1.0 / n));
    }

    /// <summary>Answers every question with <paramref name="pipeline"/> and scores the answers; faithfulness by
    /// <paramref name="faithfulness"/> (default: the lexical checker) and, when given, also by <paramref name="judge"/> on
    /// the same answers (its verdicts in <see cref="AnswerQuality.Judge"/>).</summary>
    public static AnswerQuality Answers(RagPipeline pipeline, IReadOnlyList<EvalQuestion> questions,
        IFaithfulnessChecker? faithfulness = null, IFaithfulnessChecker? judge = null)
    {
        faithfulness ??= new FaithfulnessChecker();
        var judged = new List<Faithfulness>();
        double f1 = 0, valid = 0, refused = 0, faithful = 0;
        int citedTotal = 0, citedRelevant = 0, scored = 0;
        var latency = new StageLatency();
        foreach (var q in questions)
        {
            var a = pipeline.AskAsync(q.Question).GetAwaiter().GetResult();
            latency.Add(a.Latency);
            if (a.Refused) { refused++; continue; }
            f1 += AnswerMetrics.TokenF1(a.Text, q.Answer);
            if (a.Citations.IsValid) valid++;
            double score = faithfulness.CheckAsync(a.Text, a.Chunks).GetAwaiter().GetResult().Score;
            if (!double.IsNaN(score)) { faithful += score; scored++; }
            if (judge is not null) judged.Add(judge.CheckAsync(a.Text, a.Chunks).GetAwaiter().GetResult());
            var rel = q.Relevant.ToHashSet(StringComparer.Ordinal);
            foreach (int c in a.Citations.Cited)
            {
                citedTotal++;
                if (rel.Contains(a.Chunks[c - 1].Chunk.Chunk.SourceId)) citedRelevant++;
            }
        }
        int n = Math.Max(questions.Count, 1);
        var mean = latency.Scaled(1.0 / n);
        return new AnswerQuality(f1 / n, citedTotal == 0 ? 0 : (double)citedRelevant / citedTotal, valid / n, refused / n,
            mean.TotalMs, scored == 0 ? double.NaN : faithful / scored, mean, judge is null ? null : JudgeTally.Of(judged));
    }
}
