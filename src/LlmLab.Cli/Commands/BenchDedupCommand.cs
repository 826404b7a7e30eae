using System.Diagnostics;
using System.Globalization;
using LlmLab.Data.Dedup;
using LlmLab.Text;

namespace LlmLab.Cli.Commands;

/// <summary>
/// <c>llmlab bench dedup</c>: throughput of the whole pipeline (signatures, buckets, clusters; the filter pass only
/// writes what was decided) at 1 and 2 threads, and its time at corpus sizes 1×, 2×, 4× with the fitted exponent
/// (time ∝ size^e: 1 is linear). No peer: datasketch and text-dedup are Python packages from PyPI, which these machines
/// cannot reach, and Debian packages neither.
/// </summary>
public sealed class BenchDedupCommand : CliCommand
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public override string Name => "bench dedup";
    public override string Summary => "dedup pipeline: documents/s and MB/s at 1 and 2 threads; time vs corpus size (fitted exponent)";
    public override string Usage => "[--input PATH (default: the SDK docs)] [--field NAME] [--docs N (default 10000: sizes N, 2N, 4N)] [--repeats 3] [--perm 128]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "input", "field", "docs", "repeats", "perm" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "no argument");
        int docs = args.GetInt("docs", 10_000, min: 10);
        int repeats = args.GetInt("repeats", 3, 1, 100);
        var options = new DedupOptions { Permutations = args.GetInt("perm", 128, 1, 4096) };
        var source = Corpora.Open(args.Get("input"), args.Get("field"));
        // The documents are read once into memory, so that the timings measure dedup, not the corpus reader.
        var all = source.Read().Take(4 * docs).ToList();
        if (all.Count < 4 * docs) throw new InputException($"'{source.Name}' has {all.Count:N0} documents; --docs {docs:N0} needs {4 * docs:N0} (4×): lower --docs");
        @out.WriteLine($"machine: {Environment.ProcessorCount} logical cores; {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        @out.WriteLine($"corpus: {source.Name}; {options.Permutations} permutations, word 5-grams, threshold {options.Threshold.ToString(C)}; min of {repeats} runs");
        @out.WriteLine("peer: none (datasketch and text-dedup are Python packages on PyPI, which is not reachable here; no Debian package)");
        string work = Directory.CreateTempSubdirectory("llmlab-bench-dedup-").FullName;
        try
        {
            @out.WriteLine($"\n== throughput on {docs:N0} documents ==");
            var first = new DocumentList("bench", all.Take(docs).ToList());
            double mb = first.Documents.Sum(d => System.Text.Encoding.UTF8.GetByteCount(d.Text)) / 1e6;
            double? single = null;
            foreach (int threads in new[] { 1, 2 })
            {
                double s = Best(first, work, options with { Threads = threads }, repeats, out var r);
                single ??= s;
                @out.WriteLine(string.Create(C, $"  {threads} thread{(threads == 1 ? " " : "s")}  {docs / s,10:N0} docs/s  {mb / s,7:0.00} MB/s  " +
                    $"{s,7:0.000} s  speed-up {single.Value / s:0.00}×   ({r.Decisions!.Removed(DedupReason.Exact):N0} exact, {r.Decisions.Removed(DedupReason.Near):N0} near removed)"));
            }
            @out.WriteLine($"\n== time vs corpus size ({Environment.ProcessorCount} threads) ==");
            var points = new List<(double N, double S)>();
            foreach (int k in new[] { 1, 2, 4 })
            {
                var part = new DocumentList("bench", all.Take(k * docs).ToList());
                double s = Best(part, work, options with { Threads = Environment.ProcessorCount }, repeats, out _);
                points.Add((k * docs, s));
                @out.WriteLine(string.Create(C, $"  {k}×  {k * docs,9:N0} docs  {s,7:0.000} s  {k * docs / s,10:N0} docs/s"));
            }
            @out.WriteLine(string.Create(C, $"fitted exponent (least squares on log time vs log size): {Exponent(points):0.00} (1 = linear)"));
        }
        finally { Directory.Delete(work, recursive: true); }
        return 0;
    }

    static double Best(DocumentList docs, string work, DedupOptions options, int repeats, out DedupResult result)
    {
        double best = double.PositiveInfinity;
        result = null!;
        for (int i = 0; i < repeats; i++)
        {
            var sw = Stopwatch.StartNew();
            result = DedupPipeline.Run(docs, work, null, options);
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return best;
    }

    /// <summary>The slope of log(time) on log(size), by least squares.</summary>
    internal static double Exponent(IReadOnlyList<(double N, double S)> points)
    {
        var xs = points.Select(p => Math.Log(p.N)).ToArray();
        var ys = points.Select(p => Math.Log(p.S)).ToArray();
        double mx = xs.Average(), my = ys.Average();
        return xs.Zip(ys).Sum(p => (p.First - mx) * (p.Second - my)) / xs.Sum(x => (x - mx) * (x - mx));
    }
}
