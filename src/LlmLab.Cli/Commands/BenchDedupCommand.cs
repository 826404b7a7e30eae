using System.Diagnostics;
using System.Globalization;
using LlmLab.Data.Dedup;
using LlmLab.Text;

namespace LlmLab.Cli.Commands;

/// <summary>
/// <c>llmlab bench dedup</c>: throughput of the whole pipeline (signatures, buckets, clusters; the filter pass only
/// writes what was decided) at 1 and 2 threads, and its time at corpus sizes 1×, 2×, 4× with the fitted exponent
/// (time ∝ size^e: 1 is linear). No peer: datasketch and text-dedup are Python packages from PyPI, which these machines
/// cannot reach, and Debian packages neither. With <c>--planted N</c>: near-duplicate quality instead of speed — F1 and
/// the candidate rate per Jaccard bin on <see cref="PlantedDuplicates"/>' set of N pairs, at the default banding and at
/// datasketch's 0.5 / 0.5 one, beside the S-curve's prediction (not a timing: the machine's load does not matter).
/// </summary>
public sealed class BenchDedupCommand : CliCommand
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public override string Name => "bench dedup";
    public override string Summary => "dedup pipeline: documents/s and MB/s at 1 and 2 threads; time vs corpus size (fitted exponent)";
    public override string Usage => "[--input PATH (default: the SDK docs)] [--field NAME] [--docs N (default 10000: sizes N, 2N, 4N)] " +
                                    "[--repeats 3] [--perm 128] | --planted PAIRS [--seed 1] [--bands B --rows R]";
    public override IReadOnlySet<string> Options =>
        new HashSet<string> { "input", "field", "docs", "repeats", "perm", "planted", "seed", "bands", "rows" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "no argument");
        if (args.Get("planted") is not null) return Planted(args, @out);
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

    /// <summary>F1 and the candidate rate per bin on a planted set, for the default banding and datasketch's.</summary>
    static int Planted(CliArgs args, TextWriter @out)
    {
        int pairs = args.GetInt("planted", 2000, 50, 100_000);
        int seed = args.GetInt("seed", 1, 0, int.MaxValue);
        var options = new DedupOptions { Permutations = args.GetInt("perm", 128, 1, 4096) };
        if (args.Get("bands") is not null != (args.Get("rows") is not null))
            throw new InputException("--bands and --rows go together: give both, or neither for the default banding");
        var mine = args.Get("bands") is null ? options
            : options with { Bands = args.GetInt("bands", 1, 1, 4096), Rows = args.GetInt("rows", 1, 1, 4096) };
        mine.Validate();
        var datasketch = options with { FalsePositiveWeight = 0.5, FalseNegativeWeight = 0.5 };
        var set = PlantedDuplicates.Generate(pairs, seed, shingle: options.ShingleSize);
        @out.WriteLine($"planted set: {pairs:N0} base documents, each with one copy edited to a word-5-gram Jaccard drawn from 0.5–1.0 " +
            $"(seed {seed}); {options.Permutations} permutations, threshold {options.Threshold.ToString(C)}; " +
            "truth by brute force over every pair");
        string work = Directory.CreateTempSubdirectory("llmlab-bench-dedup-").FullName;
        try
        {
            var runs = new[] { (Name: "default", Options: mine), (Name: "datasketch 0.5/0.5", Options: datasketch) }.Select(r =>
            {
                var sw = Stopwatch.StartNew();
                var q = DedupEvaluation.Measure(set.Documents, Path.Combine(work, r.Name.Replace(' ', '-').Replace('/', '-')), r.Options);
                return (r.Name, Banding: r.Options.Banding(), Quality: q, Seconds: sw.Elapsed.TotalSeconds);
            }).ToList();
            foreach (var (name, banding, q, seconds) in runs)
                @out.WriteLine(string.Create(C, $"{name,-20} {banding,-20} F1 {q.F1:0.000}  precision {q.Precision:0.000}  " +
                    $"recall {q.Recall:0.000}  " +
                    $"(true pairs {q.TruePairs:N0}, found {q.FoundPairs:N0}; pipeline + brute force {seconds:0.0} s)"));
            @out.WriteLine("\ncandidate rate per Jaccard bin (at or above the threshold: recall; below: extra verification), " +
                "observed / S-curve prediction");
            @out.WriteLine($"{"J",-14} {"pairs",6}  " + string.Join("  ", runs.Select(r => $"{r.Banding,-24}")));
            for (int k = 0; k < runs[0].Quality.Bins.Count; k++)
            {
                var bin = runs[0].Quality.Bins[k];
                string cells = string.Join("  ", runs.Select(r =>
                {
                    var b = r.Quality.Bins[k];
                    string observed = b.Pairs == 0 ? "—" : (b.Candidates / (double)b.Pairs).ToString("0.000", C);
                    string predicted = set.Predicted(b, r.Banding) is { } p ? p.Mean.ToString("0.000", C) : "—";
                    return $"{observed + " / " + predicted,-24}";
                }));
                @out.WriteLine(string.Create(C, $"[{bin.From:0.00}, {bin.To:0.00}{(bin.To >= 1 ? "]" : ")")}  {bin.Pairs,6:N0}  {cells}"));
            }
            @out.WriteLine("\nS-curve P(candidate | J) = 1 − (1 − J^r)^b");
            var js = Enumerable.Range(0, 11).Select(i => 0.5 + 0.05 * i).ToList();
            @out.WriteLine($"{"J",-22}" + string.Concat(js.Select(j => j.ToString("0.00", C).PadLeft(7))));
            foreach (var r in runs)
                @out.WriteLine($"{r.Banding,-22}" + string.Concat(js.Select(j => $"{r.Banding.Probability(j).ToString("0.000", C),7}")));
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
