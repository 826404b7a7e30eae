using System.Globalization;

namespace LlmLab.Retrieval.Lexical;

/// <summary>
/// Splits text into index terms the way Lucene 4.8's <c>StandardAnalyzer</c> does for Latin-script text:
/// Unicode word boundaries (UAX #29, the rules that matter for prose), lower-casing, and Lucene's English
/// stop set. So BM25 scores can be compared with Lucene's term for term.
/// </summary>
/// <remarks>
/// Word-boundary rules kept (UAX #29 WB5–WB13a): letters and digits join (WB9, WB10); a single '.', '\'' or ':'
/// between two letters joins ("e.g", "don't", "www.debian.org"); a single '.', ',', ';' or '\'' between two
/// digits joins ("3.5", "1,000"); '_' joins anything (ExtendNumLet). Each CJK ideograph is a token of its own.
/// Not covered: Katakana runs, Hebrew quote rules, emoji sequences. Thread-safe (stateless).
/// </remarks>
public sealed class TextAnalyzer
{
    /// <summary>Lucene's <c>StopAnalyzer.ENGLISH_STOP_WORDS_SET</c> (33 words), the StandardAnalyzer default.</summary>
    public static readonly IReadOnlySet<string> EnglishStopWords = new HashSet<string>(StringComparer.Ordinal)
    {
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not",
        "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was",
        "will", "with",
    };

    /// <summary>Lucene's default maximum token length; longer tokens are dropped, as StandardAnalyzer does.</summary>
    public const int MaxTokenLength = 255;

    readonly IReadOnlySet<string> _stopWords;

    /// <summary>An analyzer with the given stop set (default: Lucene's English set; empty to keep all words).</summary>
    public TextAnalyzer(IReadOnlySet<string>? stopWords = null) => _stopWords = stopWords ?? EnglishStopWords;

    /// <summary>The shared default analyzer.</summary>
    public static TextAnalyzer Standard { get; } = new();

    /// <summary>Index terms of <paramref name="text"/>, in order.</summary>
    public List<string> Analyze(string text)
    {
        var terms = new List<string>();
        foreach (var word in Words(text))
        {
            if (word.Length > MaxTokenLength) continue;
            var term = word.ToLowerInvariant();
            if (!_stopWords.Contains(term)) terms.Add(term);
        }
        return terms;
    }

    /// <summary>Words by the boundary rules above, before lower-casing and stop-word removal.</summary>
    public static IEnumerable<string> Words(string text)
    {
        int i = 0, n = text.Length;
        while (i < n)
        {
            char c = text[i];
            if (IsIdeograph(c)) { yield return c.ToString(); i++; continue; }
            if (!IsWordChar(c)) { i++; continue; }
            int start = i++;
            while (i < n)
            {
                char d = text[i];
                if (IsIdeograph(d)) break;
                if (IsWordChar(d)) { i++; continue; }
                // A single joiner between two word characters of the right kinds (WB6/7, WB11/12).
                if (i + 1 < n && Joins(text[i - 1], d, text[i + 1])) { i += 2; continue; }
                break;
            }
            yield return text[start..i];
        }
    }

    static bool Joins(char before, char mid, char after)
    {
        bool letters = char.IsLetter(before) && char.IsLetter(after) && !IsIdeograph(after);
        bool digits = char.IsDigit(before) && char.IsDigit(after);
        return mid switch
        {
            '.' or '\'' or '\u2019' => letters || digits, // MidNumLet and Single_Quote
            ':' or '\u00B7' => letters,                    // MidLetter
            ',' or ';' => digits,                          // MidNum
            _ => false,
        };
    }

    static bool IsWordChar(char c) =>
        char.IsLetterOrDigit(c) || c == '_' || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark
            or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.ConnectorPunctuation;

    static bool IsIdeograph(char c) => c is >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF'
        or >= '\uF900' and <= '\uFAFF';
}
