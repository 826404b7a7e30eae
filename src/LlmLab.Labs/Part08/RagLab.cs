using System.Diagnostics;
using System.Globalization;
using LlmLab.Labs.Framework;
using LlmLab.Retrieval;
using LlmLab.Retrieval.Answering;
using LlmLab.Retrieval.Chunking;
using LlmLab.Retrieval.Embeddings;
using LlmLab.Retrieval.Evaluation;
using LlmLab.Retrieval.Search;
using LlmLab.Retrieval.Storage;
using LlmLab.Retrieval.Vectors;
using ScottPlot;

namespace LlmLab.Labs.Part08;

/// <summary>
/// Lab 8.1 — a complete RAG pipeline. (1) MiniLM embeddings against published similarities; (2) the Debian FAQ indexed
/// (answers without their question headings) and its questions retrieved by BM25, dense, hybrid and hybrid + MMR,
/// scored against the gold sections, with latency per stage; (3) extractive answers (and a configured chat model's) with
/// checked citations and faithfulness; (4) the same questions with a slice of the SDK-docs corpus as distractors; (5) the
/// French FAQ; (6) our HNSW beside USearch and exact search on synthetic vectors (recall@10 vs ef_search, queries/s
/// reported, not checked).
/// </summary>
public sealed partial class RagLab : Lab<RagLabConfig>
{
    protected override string Id => "8.1";

    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public override RagLabConfig Defaults(Profile profile) => RagLabConfig.For(profile);

    protected override void Validate(RagLabConfig cfg)
    {
        ConfigRules.AtLeast("questions", cfg.Questions, 0);
        ConfigRules.AtLeast("answer_questions", cfg.AnswerQuestions, 0);
        ConfigRules.AtLeast("max_tokens", cfg.MaxTokens, 8);
        ConfigRules.InRange("overlap_tokens", cfg.OverlapTokens, 0, cfg.MaxTokens / 2 - 1);
        ConfigRules.InRange("k", cfg.K, 1, 50);
        ConfigRules.AtLeast("vectors", cfg.Vectors, 100);
        ConfigRules.AtLeast("vector_queries", cfg.VectorQueries, 1);
        ConfigRules.InRange("m", cfg.M, 2, 128);
        ConfigRules.AtLeast("ef_construction", cfg.EfConstruction, 1);
        ConfigRules.NotEmpty("ef_search", cfg.EfSearch);
        ConfigRules.InRange("min_hybrid_recall_at10", cfg.MinHybridRecallAt10, 0, 1);
        ConfigRules.InRange("min_hnsw_recall", cfg.MinHnswRecall, 0, 1);
        ConfigRules.AtLeast("sdk_docs", cfg.SdkDocs, 0);
        ConfigRules.InRange("min_distracted_recall_at10", cfg.MinDistractedRecallAt10, 0, 1);
        ConfigRules.AtLeast("french_questions", cfg.FrenchQuestions, -1);
        ConfigRules.InRange("min_french_recall_at10", cfg.MinFrenchRecallAt10, 0, 1);
        ConfigRules.InRange("min_faithfulness", cfg.MinFaithfulness, 0, 1);
        if (cfg.OpenaiBaseUrl.Length > 0 && cfg.OpenaiModel.Length == 0)
            throw new InputException("8.1: openai_base_url needs openai_model (the endpoint's model name): --set 8.1:openai_model=NAME");
        if (cfg.JudgeBaseUrl.Length > 0 && cfg.Judge.Length == 0)
            throw new InputException("8.1: judge_base_url needs judge (the endpoint's model name): --set 8.1:judge=NAME");
    }

    public override void Run(LabContext ctx, RagLabConfig cfg)
    {
        using var encoder = OnnxSentenceEncoder.CreateMiniLm(threads: ctx.Threads);
        Embeddings(ctx, encoder);
        Faq(ctx, cfg, encoder);
        French(ctx, cfg, encoder);
        VectorIndexes(ctx, cfg);
    }

    static void Embeddings(LabContext ctx, OnnxSentenceEncoder encoder)
    {
        ctx.Report.Heading("Embeddings: all-MiniLM-L6-v2 on ONNX Runtime");
        var v = encoder.Embed(["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium.",
            "A man is eating food.", "A man is eating a piece of bread."]);
        var readme = ctx.Checks.Published("sentence-transformers README, all-MiniLM-L6-v2");
        readme.Close("cos(weather, sunny) vs the sentence-transformers README's 0.6660", VectorMath.Dot(v[0], v[1]), 0.6660, 1e-3,
            relative: false);
        readme.Close("cos(weather, stadium) vs the README's 0.1046", VectorMath.Dot(v[0], v[2]), 0.1046, 1e-3, relative: false);
        ctx.Checks.Peer("the same ONNX model under another runtime")
            .Close("cos(man eating food, man eating bread) vs 0.7553", VectorMath.Dot(v[3], v[4]), 0.7553, 1e-3, relative: false);
    }

    static void VectorIndexes(LabContext ctx, RagLabConfig cfg)
    {
        const int dim = 384;
        ctx.Report.Heading($"HNSW vs USearch vs exact ({cfg.Vectors:N0} synthetic vectors × {dim})");
        var data = SyntheticVectors.Clustered(cfg.Vectors, dim, 100, seed: 1);
        var queries = SyntheticVectors.Clustered(cfg.VectorQueries, dim, 100, seed: 2);
        var exact = new ExactIndex(dim);
        for (int i = 0; i < data.Length; i++) exact.Add(i, data[i]);
        var truth = queries.Select(q => exact.Search(q, 10).Select(r => r.Key).ToHashSet()).ToArray();
        var sw = Stopwatch.StartNew();
        var hnsw = new HnswIndex(dim, new HnswOptions(cfg.M, cfg.EfConstruction));
        for (int i = 0; i < data.Length; i++) hnsw.Add(i, data[i]);
        double build = sw.Elapsed.TotalSeconds;
        var rows = new List<string[]>();
        var ours = new List<double>();
        var peer = new List<double>();
        foreach (int ef in cfg.EfSearch)
        {
            hnsw.EfSearch = ef;
            var (r1, q1) = Measure(hnsw, queries, truth);
            using var usearch = new USearchVectorIndex(dim, new HnswOptions(cfg.M, cfg.EfConstruction, ef));
            sw.Restart();
            usearch.AddRange(Enumerable.Range(0, data.Length).Select(i => (long)i).ToArray(), data);
            double ubuild = sw.Elapsed.TotalSeconds;
            var (r2, q2) = Measure(usearch, queries, truth);
            ours.Add(r1);
            peer.Add(r2);
            rows.Add([ef.ToString(C), F(r1), q1.ToString("N0", C), F(r2), q2.ToString("N0", C), ubuild.ToString("0.0", C)]);
            ctx.Metrics.Log(new { part = "vectors", ef_search = ef, ours_recall = r1, ours_qps = q1, usearch_recall = r2,
                usearch_qps = q2 });
        }
        ctx.Report.Table(["ef_search", "ours recall@10", "ours q/s", "USearch recall@10", "USearch q/s", "USearch build s"], rows,
            $"M {cfg.M}, ef_construction {cfg.EfConstruction}; our build {build.ToString("0.0", C)} s on one thread. Speeds " +
                $"depend on the machine and its load: not checked.");
        ctx.Checks.BruteForce("exact search's top 10")
            .AtLeast($"our HNSW recall@10 vs exact search at ef_search {cfg.EfSearch.Max()}", ours[^1], cfg.MinHnswRecall);
        ctx.Checks.Peer("USearch at the same M, ef_construction and ef_search")
            .AtLeast("our HNSW recall@10 within 0.05 of USearch's at the largest ef_search", ours[^1] - peer[^1], -0.05);
        var plot = new Plot();
        var efs = cfg.EfSearch.Select(e => (double)e).ToArray();
        plot.Add.Scatter(efs, ours.ToArray()).LegendText = "ours (HNSW)";
        plot.Add.Scatter(efs, peer.ToArray()).LegendText = "USearch";
        plot.XLabel("ef_search");
        plot.YLabel("recall@10 vs exact");
        plot.ShowLegend();
        ctx.Plot("hnsw-recall", plot, "recall@10 against exact search as ef_search grows");
    }

    static (double Recall, double Qps) Measure(IVectorIndex index, float[][] queries, HashSet<long>[] truth)
    {
        double hits = 0;
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < queries.Length; i++) hits += index.Search(queries[i], 10).Count(r => truth[i].Contains(r.Key));
        return (hits / (10.0 * queries.Length), queries.Length / sw.Elapsed.TotalSeconds);
    }

    static string F(double v) => v.ToString("0.000", C);
}
