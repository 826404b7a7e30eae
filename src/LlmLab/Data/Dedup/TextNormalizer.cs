using System.Buffers;
using System.Globalization;

namespace LlmLab.Data.Dedup;

/// <summary>Applies <see cref="NormalizationOptions"/> to a text. Stateless and thread-safe. NFKC comes from ICU when the
/// process runs with invariant globalization, as this project's do (see <c>IcuNfkc</c>).</summary>
public static class TextNormalizer
{
    /// <summary>The normalised form of <paramref name="text"/>: NFKC, then one pass for case, punctuation, digits and whitespace.</summary>
    public static string Normalize(string text, NormalizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(options);
        string s = options.Nfkc ? IcuNfkc.Normalize(text) : text;
        if (!options.Lowercase && !options.Whitespace && !options.Punctuation && !options.Digits) return s;
        char[] buffer = ArrayPool<char>.Shared.Rent(s.Length);
        try
        {
            int n = 0;
            bool pendingSpace = false;
            foreach (char c0 in s)
            {
                char c = c0;
                if (options.Punctuation && IsPunctuationOrSymbol(c)) continue;
                if (options.Whitespace && char.IsWhiteSpace(c))
                {
                    pendingSpace = n > 0; // leading whitespace is dropped, inner runs become one space
                    continue;
                }
                if (pendingSpace) { buffer[n++] = ' '; pendingSpace = false; }
                if (options.Lowercase) c = char.ToLowerInvariant(c);
                if (options.Digits && char.IsDigit(c)) c = '0';
                buffer[n++] = c;
            }
            return new string(buffer, 0, n);
        }
        finally { ArrayPool<char>.Shared.Return(buffer); }
    }

    static bool IsPunctuationOrSymbol(char c) =>
        c < 128 ? char.IsAsciiLetterOrDigit(c) is false && c > ' ' && c != 127
            : char.GetUnicodeCategory(c) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
                or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
                or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation or UnicodeCategory.MathSymbol
                or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol or UnicodeCategory.OtherSymbol;
}
