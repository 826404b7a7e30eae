using System.Text;

namespace LlmLab.Tests.Data.Analysis;

/// <summary>Synthetic text with known statistics for the analysis tests.</summary>
internal static class SyntheticText
{
    /// <summary>Word type names that are letter runs ("w" + base-26 letters), so <c>TextUnits.ForEachType</c> keeps them whole.</summary>
    public static string Word(int k)
    {
        var sb = new StringBuilder("w");
        do { sb.Append((char)('a' + k % 26)); k /= 26; } while (k > 0);
        return sb.ToString();
    }

    /// <summary>Cumulative Zipf(s) probabilities over <paramref name="types"/> ranks.</summary>
    public static double[] ZipfCdf(int types, double s)
    {
        var cdf = new double[types];
        double sum = 0;
        for (int r = 1; r <= types; r++) { sum += Math.Pow(r, -s); cdf[r - 1] = sum; }
        for (int r = 0; r < types; r++) cdf[r] /= sum;
        return cdf;
    }

    /// <summary>A rank drawn from a Zipf CDF.</summary>
    public static int Draw(Random rng, double[] cdf)
    {
        int i = Array.BinarySearch(cdf, rng.NextDouble());
        return i < 0 ? Math.Min(~i, cdf.Length - 1) : i;
    }

    /// <summary><paramref name="words"/> words drawn from Zipf(s) over <paramref name="types"/> types, 12 words a line.</summary>
    public static string Zipf(Random rng, int words, double s, int types)
    {
        var cdf = ZipfCdf(types, s);
        var sb = new StringBuilder();
        for (int i = 0; i < words; i++) sb.Append(Word(Draw(rng, cdf))).Append(i % 12 == 11 ? ".\n" : " ");
        return sb.ToString();
    }
}
