using System.Globalization;
using System.Text.RegularExpressions;

namespace LlmLab.Server;

/// <summary>
/// Reads Prometheus' text exposition format (version 0.0.4) back into samples, and estimates a quantile from a
/// histogram's cumulative buckets the way PromQL's <c>histogram_quantile</c> does (linear interpolation inside the
/// bucket that holds the rank; the lowest bucket starts at 0; a rank in the +Inf bucket returns the highest finite
/// bound). For labs and tests that read <c>/metrics</c> without a Prometheus server. Stateless and thread-safe.
/// </summary>
public static partial class PrometheusText
{
    /// <summary>One sample line: name, labels, value.</summary>
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    [GeneratedRegex("""^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)""")]
    private static partial Regex Line();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();

    public static IReadOnlyList<Sample> Parse(string text) => text.Split('\n')
        .Where(l => l.Length > 0 && l[0] != '#')
        .Select(l => Line().Match(l))
        .Where(m => m.Success)
        .Select(m => new Sample(m.Groups[1].Value,
            Label().Matches(m.Groups[2].Value).ToDictionary(x => x.Groups[1].Value, x => x.Groups[2].Value),
            ParseValue(m.Groups[3].Value)))
        .ToList();

    /// <summary>The sum of every sample named <paramref name="name"/> (over all label sets).</summary>
    public static double Sum(IReadOnlyList<Sample> samples, string name) => samples.Where(s => s.Name == name).Sum(s => s.Value);

    /// <summary>histogram_quantile(<paramref name="q"/>) over the <c>_bucket</c> samples of <paramref name="histogram"/>
    /// (summed over other labels); NaN when the histogram is empty.</summary>
    public static double HistogramQuantile(double q, IReadOnlyList<Sample> samples, string histogram)
    {
        var buckets = samples.Where(s => s.Name == histogram + "_bucket" && s.Labels.ContainsKey("le"))
            .GroupBy(s => ParseValue(s.Labels["le"])).Select(g => (Le: g.Key, Count: g.Sum(s => s.Value))).OrderBy(b => b.Le).ToList();
        if (buckets.Count == 0 || buckets[^1].Count == 0) return double.NaN;
        double rank = q * buckets[^1].Count;
        for (int i = 0; i < buckets.Count; i++)
        {
            if (buckets[i].Count < rank) continue;
            if (double.IsPositiveInfinity(buckets[i].Le)) return i > 0 ? buckets[i - 1].Le : double.NaN;
            double lower = i == 0 ? 0 : buckets[i - 1].Le, below = i == 0 ? 0 : buckets[i - 1].Count;
            double inBucket = buckets[i].Count - below;
            return inBucket == 0 ? buckets[i].Le : lower + (buckets[i].Le - lower) * (rank - below) / inBucket;
        }
        return buckets[^1].Le;
    }

    static double ParseValue(string s) => s switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(s, CultureInfo.InvariantCulture),
    };
}
