using LlmLab.Data.Analysis;

namespace LlmLab.Monitoring.Drift;

/// <summary>
/// Cheap per-text features for univariate drift tests on text (Evidently's "text descriptors": length, word count,
/// share of out-of-vocabulary-like characters, language): characters, words, mean word length, shares of digits,
/// upper-case letters and non-ASCII characters, URL count, and the language. Pure; thread-safe.
/// </summary>
public static class TextFeatures
{
    /// <summary>The column names, in table order.</summary>
    public static readonly IReadOnlyList<string> Columns =
        ["chars", "words", "mean_word_length", "digit_share", "upper_share", "non_ascii_share", "urls", "language"];

    /// <summary>A drift table of the features of <paramref name="texts"/>.</summary>
    public static DriftTable Table(IReadOnlyList<string> texts)
    {
        var rows = texts.Select(Of).ToList();
        var columns = Enumerable.Range(0, Columns.Count - 1).Select(k => DriftColumn.Numeric(Columns[k], rows.Select(r => r.Numbers[k]))).ToList();
        columns.Add(DriftColumn.Categorical("language", rows.Select(r => r.Language)));
        return new DriftTable(columns, texts.Count);
    }

    static (double[] Numbers, string Language) Of(string text)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        double n = Math.Max(1, text.Length);
        int digits = 0, upper = 0, nonAscii = 0;
        foreach (char ch in text)
        {
            if (char.IsDigit(ch)) digits++;
            if (char.IsUpper(ch)) upper++;
            if (ch > 127) nonAscii++;
        }
        int urls = words.Count(w => w.Contains("http://", StringComparison.OrdinalIgnoreCase) || w.Contains("https://", StringComparison.OrdinalIgnoreCase)
            || w.StartsWith("www.", StringComparison.OrdinalIgnoreCase));
        return ([text.Length, words.Length, words.Length == 0 ? 0 : words.Average(w => w.Length), digits / n, upper / n, nonAscii / n, urls],
            LanguageIdentifier.Default.Identify(text.Length > 2000 ? text[..2000] : text));
    }
}
