using System.Globalization;

namespace LlmLab.Nn.Attention;

/// <summary>
/// The side-by-side tables of an <see cref="AttentionBenchmarkResult"/> as plain strings, shared by
/// <c>llmlab bench attention</c> (text) and lab 4.3 (Markdown): one table per (causal, pass), one row per T, and the
/// ratios the course's goals are stated in. Formatting only; stateless.
/// </summary>
public static class AttentionBenchmarkTable
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>"causal, forward + backward".</summary>
    public static string Title(bool causal, AttentionPass pass) =>
        $"{(causal ? "causal" : "not causal")}, {(pass == AttentionPass.Forward ? "forward" : "forward + backward")}";

    /// <summary>
    /// Header and rows for one (causal, pass): T, the size of one score matrix, then per variant its time (min / median,
    /// ms) and peak memory (MB = 10⁶ bytes), then per tiled variant the speed ratios naive ÷ tiled and tiled ÷ SDPA
    /// (min times; "—" where a variant did not run).
    /// </summary>
    public static (string[] Header, List<string[]> Rows) Build(AttentionBenchmarkResult result, bool causal, AttentionPass pass)
    {
        var variants = result.Variants;
        var tiled = variants.Where(v => v.StartsWith("tiled", StringComparison.Ordinal)).ToList();
        var header = new List<string> { "T", "one score matrix" };
        foreach (string v in variants) header.Add($"{v} ms (min / median)");
        foreach (string v in variants) header.Add($"{v} peak MB");
        foreach (string t in tiled) { header.Add($"naive ÷ {t}"); header.Add($"{t} ÷ sdpa"); }
        var rows = new List<string[]>();
        foreach (int length in result.Options.Lengths)
        {
            var row = new List<string> { length.ToString("N0", C), Mb(result.Options.ScoreMatrixBytes(length)) };
            foreach (string v in variants)
                row.Add(result.Find(length, causal, pass, v) is { } x ? $"{Ms(x.MinSeconds)} / {Ms(x.MedianSeconds)}" : "—");
            foreach (string v in variants)
                row.Add(result.Find(length, causal, pass, v)?.PeakBytes is { } b ? Mb(b) : "—");
            foreach (string t in tiled)
            {
                row.Add(Ratio(SpeedRatio(result, length, causal, pass, "naive", t)));
                row.Add(Ratio(SpeedRatio(result, length, causal, pass, t, "sdpa")));
            }
            rows.Add([.. row]);
        }
        return ([.. header], rows);
    }

    /// <summary>min time of <paramref name="slower"/> ÷ min time of <paramref name="faster"/> at one point, or null.</summary>
    public static double? SpeedRatio(AttentionBenchmarkResult result, int length, bool causal, AttentionPass pass, string slower, string faster) =>
        result.Find(length, causal, pass, slower) is { } a && result.Find(length, causal, pass, faster) is { } b && b.MinSeconds > 0
            ? a.MinSeconds / b.MinSeconds : null;

    /// <summary>Rows of the memory-exponent table: variant, mode, fitted exponent, the lengths fitted (see
    /// <see cref="AttentionBenchmarkResult.MemoryExponent"/>).</summary>
    public static List<string[]> Exponents(AttentionBenchmarkResult result, int fitFrom = 0)
    {
        var rows = new List<string[]>();
        foreach (bool causal in result.Options.CausalModes)
            foreach (var pass in result.Options.Passes)
                foreach (string v in result.Variants)
                {
                    var (e, lengths) = result.MemoryExponent(v, causal, pass, fitFrom);
                    rows.Add([v, Title(causal, pass), e is { } x ? x.ToString("0.00", C) : "—",
                        lengths.Count == 0 ? "none above the probe's resolution" : string.Join(", ", lengths.Select(t => t.ToString("N0", C)))]);
                }
        return rows;
    }

    /// <summary>Milliseconds with three significant digits ("0.412", "12.3", "1,234").</summary>
    public static string Ms(double seconds)
    {
        double ms = seconds * 1e3;
        return ms >= 1000 ? ms.ToString("N0", C) : ms >= 100 ? ms.ToString("0", C) : ms >= 10 ? ms.ToString("0.0", C) : ms >= 1 ? ms.ToString("0.00", C) : ms.ToString("0.000", C);
    }

    /// <summary>Megabytes (10⁶ bytes): "0.26", "16.8", "1,074".</summary>
    public static string Mb(long bytes)
    {
        double mb = bytes / 1e6;
        return mb >= 1000 ? mb.ToString("N0", C) : mb >= 10 ? mb.ToString("0.0", C) : mb.ToString("0.00", C);
    }

    static string Ratio(double? r) => r is { } x ? x.ToString(x >= 10 ? "0" : "0.0", C) + "×" : "—";
}
