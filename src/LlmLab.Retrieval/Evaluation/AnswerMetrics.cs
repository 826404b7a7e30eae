using System.Text;

namespace LlmLab.Retrieval.Evaluation;

/// <summary>Answer-quality measures. Pure functions.</summary>
public static class AnswerMetrics
{
    static readonly HashSet<string> Articles = ["a", "an", "the"];

    /// <summary>SQuAD's normalisation: lower case, punctuation removed, articles removed, whitespace split.</summary>
    public static List<string> NormalizedTokens(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text.ToLowerInvariant()) sb.Append(char.IsPunctuation(c) || char.IsSymbol(c) ? ' ' : c);
        return sb.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Where(t => !Articles.Contains(t)).ToList();
    }

    /// <summary>Token F1 between a prediction and a gold answer (SQuAD v1.1's definition, bag of tokens).</summary>
    public static double TokenF1(string prediction, string gold)
    {
        var p = NormalizedTokens(prediction);
        var g = NormalizedTokens(gold);
        if (p.Count == 0 || g.Count == 0) return p.Count == g.Count ? 1 : 0;
        var counts = g.GroupBy(t => t).ToDictionary(x => x.Key, x => x.Count());
        int common = 0;
        foreach (var t in p)
        {
            if (counts.TryGetValue(t, out int n) && n > 0) { common++; counts[t] = n - 1; }
        }
        if (common == 0) return 0;
        double precision = (double)common / p.Count, recall = (double)common / g.Count;
        return 2 * precision * recall / (precision + recall);
    }

    /// <summary>Share of cited chunks whose source is relevant (NaN when nothing is cited).</summary>
    public static double CitationPrecision(IReadOnlyList<string> citedSourceIds, IReadOnlyCollection<string> relevant) =>
        citedSourceIds.Count == 0 ? double.NaN : (double)citedSourceIds.Count(relevant.Contains) / citedSourceIds.Count;
}
