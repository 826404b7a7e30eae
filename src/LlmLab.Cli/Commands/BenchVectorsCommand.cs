using System.Diagnostics;
using System.Globalization;
using LlmLab.Retrieval.Vectors;

namespace LlmLab.Cli.Commands;

/// <summary>
/// <c>llmlab bench vectors</c>: our HNSW beside USearch (the peer, same M / ef_construction / ef_search) and exact search
/// on seeded synthetic vectors (Gaussian clusters, unit length): build time, recall@10 against exact, queries/s
/// (single-threaded queries for all three). Synthetic because embedding 100k real chunks with MiniLM takes hours here.
/// </summary>
public sealed class BenchVectorsCommand : CliCommand
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public override string Name => "bench vectors";
    public override string Summary => "HNSW vs USearch vs exact search: build time, recall@10, queries/s";
    public override string Usage
        => "[--n 100000] [--dim 384] [--queries 500] [--m 16] [--ef-construction 200] [--ef-search 16,32,64,128] [--clusters 100]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "n", "dim", "queries", "m", "ef-construction", "ef-search",
        "clusters" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "no argument");
        int n = args.GetInt("n", 100_000, 100), dim = args.GetInt("dim", 384, 2), nq = args.GetInt("queries", 500, 1);
        int m = args.GetInt("m", 16, 2), efc = args.GetInt("ef-construction", 200, 1), clusters = args.GetInt("clusters", 100, 1);
        var efs = (args.Get("ef-search") ?? "16,32,64,128").Split(',').Select(s => int.TryParse(s, out int v) && v > 0 ? v
            : throw new InputException($"--ef-search {s}: give positive integers separated by commas")).ToArray();
        var data = SyntheticVectors.Clustered(n, dim, clusters, seed: 1);
        var queries = SyntheticVectors.Clustered(nq, dim, clusters, seed: 2);
        @out.WriteLine($"machine: {Environment.ProcessorCount} logical cores; {n:N0} vectors × {dim}, {clusters} clusters; {nq} " +
            $"queries; M {m}, ef_construction {efc}");

        var exact = new ExactIndex(dim);
        for (int i = 0; i < n; i++) exact.Add(i, data[i]);
        var sw = Stopwatch.StartNew();
        var truth = queries.Select(q => exact.Search(q, 10).Select(r => r.Key).ToHashSet()).ToArray();
        double exactQps = nq / sw.Elapsed.TotalSeconds;
        @out.WriteLine(string.Create(C, $"exact      recall@10 1.000  {exactQps,10:N0} q/s"));

        sw.Restart();
        var hnsw = new HnswIndex(dim, new HnswOptions(m, efc));
        for (int i = 0; i < n; i++) hnsw.Add(i, data[i]);
        double hnswBuild = sw.Elapsed.TotalSeconds;
        @out.WriteLine(string.Create(C, $"build: ours {hnswBuild:F1} s (1 thread)"));
        foreach (int ef in efs)
        {
            hnsw.EfSearch = ef;
            var (r1, q1) = Measure(hnsw, queries, truth);
            // USearch fixes ef_search (expansion_search) when the index is made, so the peer is built once per ef.
            sw.Restart();
            using var usearch = new USearchVectorIndex(dim, new HnswOptions(m, efc, ef));
            usearch.AddRange(Enumerable.Range(0, n).Select(i => (long)i).ToArray(), data);
            double build = sw.Elapsed.TotalSeconds;
            var (r2, q2) = Measure(usearch, queries, truth);
            @out.WriteLine(string.Create(C,
                $"ef {ef,4}  ours recall@10 {r1:F3} {q1,9:N0} q/s | USearch recall@10 {r2:F3} {q2,9:N0} q/s (build {build:F1} " +
                    $"s, {usearch.Acceleration}) | ours/USearch q/s {q1 / q2:F2}"));
        }
        return 0;
    }

    static (double Recall, double Qps) Measure(IVectorIndex index, float[][] queries, HashSet<long>[] truth)
    {
        double hits = 0;
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < queries.Length; i++) hits += index.Search(queries[i], 10).Count(r => truth[i].Contains(r.Key));
        return (hits / (10.0 * queries.Length), queries.Length / sw.Elapsed.TotalSeconds);
    }
}
