using System.Globalization;
using System.Text;

namespace LlmLab.Data.Analysis;

/// <summary>
/// How the analysis cuts a text into lines, words and vocabulary types. One definition for every signal, so a
/// threshold means the same thing everywhere. Pure functions; thread-safe.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><b>Lines</b>: the text split at '\n' (a trailing '\r' dropped), blank lines (only whitespace) left out. The
/// reference code is not uniform here (datatrove's Gopher filters count blank lines, its newer FineWeb filter drops
/// them); counting blank lines would make every blank-separated paragraph break a "duplicate line".</item>
/// <item><b>Words</b> (for the Gopher, C4 and FineWeb signals): whitespace-separated tokens with leading and trailing
/// punctuation stripped; tokens that were only punctuation are not words (Gopher excludes them from the word count;
/// datatrove tokenizes with NLTK, which splits punctuation off in the same way).</item>
/// <item><b>Types</b> (for Zipf and Heaps): maximal runs of letters and digits, lower-cased (invariant culture), so
/// "String.Split(Char[])" gives "string", "split", "char".</item>
/// </list>
/// </remarks>
public static class TextUnits
{
    /// <summary>The non-blank lines of <paramref name="text"/>, without their line break.</summary>
    public static List<string> Lines(string text)
    {
        var lines = new List<string>();
        foreach (var range in text.AsSpan().Split('\n'))
        {
            var line = text.AsSpan(range);
            if (line.EndsWith("\r")) line = line[..^1];
            if (!line.IsWhiteSpace()) lines.Add(line.ToString());
        }
        return lines;
    }

    /// <summary>The words of <paramref name="text"/> (see the remarks of <see cref="TextUnits"/>).</summary>
    public static List<string> Words(string text)
    {
        var words = new List<string>();
        int i = 0, n = text.Length;
        while (i < n)
        {
            while (i < n && char.IsWhiteSpace(text[i])) i++;
            int start = i;
            while (i < n && !char.IsWhiteSpace(text[i])) i++;
            int a = start, b = i;
            while (a < b && IsPunctuation(text[a])) a++;
            while (b > a && IsPunctuation(text[b - 1])) b--;
            if (b > a) words.Add(text[a..b]);
        }
        return words;
    }

    /// <summary>Calls <paramref name="onType"/> for each vocabulary type (letter/digit run, lower-cased) in order.</summary>
    public static void ForEachType(string text, Action<string> onType)
    {
        var sb = new StringBuilder();
        foreach (char c in text)
        {
            if (char.IsLetterOrDigit(c)) sb.Append(char.ToLowerInvariant(c));
            else if (sb.Length > 0) { onType(sb.ToString()); sb.Clear(); }
        }
        if (sb.Length > 0) onType(sb.ToString());
    }

    /// <summary>Unicode punctuation (categories P*) or a symbol (S*): what is stripped from the ends of words.</summary>
    public static bool IsPunctuation(char c) => char.GetUnicodeCategory(c) switch
    {
        UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
            or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
            or UnicodeCategory.OtherPunctuation or UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol
            or UnicodeCategory.ModifierSymbol or UnicodeCategory.OtherSymbol => true,
        _ => false,
    };

    /// <summary>True when the word has at least one letter (Gopher's "alphabetic character").</summary>
    public static bool HasLetter(string word)
    {
        foreach (char c in word) if (char.IsLetter(c)) return true;
        return false;
    }
}
