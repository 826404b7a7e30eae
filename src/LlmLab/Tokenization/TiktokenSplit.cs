using System.Globalization;

namespace LlmLab.Tokenization;

/// <summary>
/// GPT-2's and cl100k_base's split patterns (<see cref="SplitPatterns"/>) written out as scanners over code points.
/// </summary>
/// <remarks>
/// <para>Why not the regexes: .NET's <c>\p{L}</c> and <c>\p{N}</c> test UTF-16 code units, so a letter or digit
/// beyond the Basic Multilingual Plane (𝐀, 𝟙, 𠀀) is two surrogates that match neither, and falls into the
/// "other symbols" branch; tiktoken's regexes (Rust) see code points. A scanner also avoids the regex engine.</para>
/// <para>Each <c>Next…</c> returns where the piece that starts at <c>start</c> ends: the match the pattern's first
/// successful alternative gives there, alternatives tried in order, as a backtracking regex does. Every position starts
/// a match (each code point is a letter, a digit, white space, or "other"), so the pieces cover the text.</para>
/// <para>The patterns (openai/tiktoken, <c>tiktoken_ext/openai_public.py</c>):
/// GPT-2 <c>'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s</c>;
/// cl100k <c>'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s</c>.
/// <c>\s</c> is Unicode's White_Space (= <see cref="char.IsWhiteSpace(char)"/>, all in the BMP); letters and numbers
/// are the general categories L* and N* of .NET's Unicode tables. A lone surrogate is "other".</para>
/// <para>Thread-safe: the only state is a read-only table.</para>
/// </remarks>
internal static class TiktokenSplit
{
    // What each pattern can tell apart about a code point.
    const byte Other = 0;         // [^\s\p{L}\p{N}]: punctuation, symbols, marks, format and private-use characters, …
    const byte Letter = 1;        // \p{L}
    const byte Number = 2;        // \p{N}: Nd, Nl, No
    const byte Space = 3;         // \s other than \r and \n
    const byte Newline = 4;       // \r or \n
    const byte HighSurrogate = 5; // the class depends on the next char

    /// <summary>The class of every UTF-16 code unit (64 KB, built once: about a millisecond).</summary>
    static readonly byte[] Bmp = BuildBmpTable();

    static byte[] BuildBmpTable()
    {
        var table = new byte[65536];
        for (int i = 0; i < table.Length; i++)
        {
            char c = (char)i;
            table[i] = c is '\r' or '\n' ? Newline
                : char.IsHighSurrogate(c) ? HighSurrogate
                : char.IsWhiteSpace(c) ? Space
                : OfCategory(CharUnicodeInfo.GetUnicodeCategory(c));
        }
        return table;
    }

    static byte OfCategory(UnicodeCategory category) => category switch
    {
        <= UnicodeCategory.OtherLetter => Letter, // Lu, Ll, Lt, Lm, Lo are the first five
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => Number,
        _ => Other,
    };

    /// <summary>The class of the code point at <paramref name="i"/> and its length in chars (2 for a surrogate pair).</summary>
    static byte ClassAt(ReadOnlySpan<char> s, int i, out int width)
    {
        byte k = Bmp[s[i]];
        width = 1;
        if (k != HighSurrogate) return k;
        if (i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1])) return Other; // lone
        width = 2;
        return OfCategory(CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(s[i], s[i + 1])));
    }

    static byte ClassAt(ReadOnlySpan<char> s, int i) => ClassAt(s, i, out _);

    /// <summary>The end of the run of code points of class <paramref name="kind"/> that starts at <paramref name="i"/>,
    /// at most <paramref name="max"/> of them.</summary>
    static int Run(ReadOnlySpan<char> s, int i, byte kind, int max = int.MaxValue)
    {
        for (int count = 0; i < s.Length && count < max; count++)
        {
            if (ClassAt(s, i, out int width) != kind) break;
            i += width;
        }
        return i;
    }

    /// <summary>The length of the contraction after an apostrophe at <paramref name="j"/> (s, d, m, t, ll, ve, re), or 0.
    /// cl100k's is case-insensitive, with Unicode's simple case folding: ſ (U+017F) folds to s.</summary>
    static int Contraction(ReadOnlySpan<char> s, int j, bool ignoreCase)
    {
        if (j >= s.Length) return 0;
        char a = ignoreCase ? Fold(s[j]) : s[j];
        if (a is 's' or 'd' or 'm' or 't') return 1;
        if (j + 1 >= s.Length) return 0;
        char b = ignoreCase ? Fold(s[j + 1]) : s[j + 1];
        return (a, b) is ('l', 'l') or ('v', 'e') or ('r', 'e') ? 2 : 0;
    }

    static char Fold(char c) => c is >= 'A' and <= 'Z' ? (char)(c + 32) : c == '\u017F' ? 's' : c;

    /// <summary>The end of the run of white space that starts at <paramref name="i"/> (white space is all in the BMP).</summary>
    static int WhiteSpaceEnd(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && Bmp[s[i]] is Space or Newline) i++;
        return i;
    }

    /// <summary>GPT-2 (also r50k, p50k): the end of the piece that starts at <paramref name="start"/>.</summary>
    public static int NextGpt2(ReadOnlySpan<char> s, int start)
    {
        // 1. '(?:[sdmt]|ll|ve|re): a contraction, case-sensitive.
        if (s[start] == '\'' && Contraction(s, start + 1, ignoreCase: false) is > 0 and int m) return start + 1 + m;
        // 2–4. ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: an optional space, then a run of one class.
        if (s[start] == ' ' && start + 1 < s.Length && ClassAt(s, start + 1) is (Letter or Number or Other) and var next)
            return Run(s, start + 1, next);
        if (ClassAt(s, start) is (Letter or Number or Other) and var k) return Run(s, start, k);
        // 5–7. White space: all of it at the end of the text, else all but its last char, which goes with what follows
        //      (\s+(?!\S) backs off one), else the single char (\s).
        int end = WhiteSpaceEnd(s, start);
        return end == s.Length ? end : end - start >= 2 ? end - 1 : start + 1;
    }

    /// <summary>cl100k_base: the end of the piece that starts at <paramref name="start"/>.</summary>
    public static int NextCl100k(ReadOnlySpan<char> s, int start)
    {
        // 1. '(?i:[sdmt]|ll|ve|re): a contraction, any case.
        if (s[start] == '\'' && Contraction(s, start + 1, ignoreCase: true) is > 0 and int m) return start + 1 + m;
        // 2. [^\r\n\p{L}\p{N}]?+\p{L}+: letters, after at most one code point that is not a newline, letter or digit.
        byte k = ClassAt(s, start, out int width);
        if (k == Letter) return Run(s, start, Letter);
        if (k is Other or Space && start + width < s.Length && ClassAt(s, start + width) == Letter)
            return Run(s, start + width, Letter);
        // 3. \p{N}{1,3}: at most three digits.
        if (k == Number) return Run(s, start, Number, max: 3);
        // 4. ` ?[^\s\p{L}\p{N}]+[\r\n]*`: symbols after an optional space, with the newlines that follow them.
        int symbols = k == Other ? start : s[start] == ' ' && start + 1 < s.Length && ClassAt(s, start + 1) == Other ? start + 1 : -1;
        if (symbols >= 0)
        {
            int end = Run(s, symbols, Other);
            while (end < s.Length && s[end] is '\r' or '\n') end++;
            return end;
        }
        // 5. \s++$: all the white space at the end of the text.
        int last = WhiteSpaceEnd(s, start);
        if (last == s.Length) return last;
        // 6. \s*[\r\n]: white space up to its last newline.
        for (int j = last - 1; j >= start; j--)
            if (s[j] is '\r' or '\n') return j + 1;
        // 7–8. \s+(?!\S), \s: all but the last char, or the single char.
        return last - start >= 2 ? last - 1 : start + 1;
    }
}
