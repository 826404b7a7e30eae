namespace LlmLab.Data.Analysis;

/// <summary>
/// The measurements of one document that the Gopher, C4 and FineWeb quality filters look at (see
/// <see cref="QualityRules"/> for the thresholds and their sources), computed in one pass over its text. Lines, words
/// and types are as <see cref="TextUnits"/> defines them. Immutable.
/// </summary>
/// <param name="Chars">UTF-16 characters of the whole text.</param>
/// <param name="Words">Words (punctuation-only tokens excluded).</param>
/// <param name="Tokens">Tokens of the analysis tokenizer (0 without one).</param>
/// <param name="Lines">Non-blank lines.</param>
/// <param name="MeanWordLength">Mean characters per word (0 without words).</param>
/// <param name="SymbolWordRatio">Gopher's symbol-to-word ratio: the larger of ('#' count) / words and
/// ("..." and "…" count) / words.</param>
/// <param name="BulletLineFraction">Lines whose first non-blank character is a bullet (• ‣ ◦ ● ▪ - *), over lines.</param>
/// <param name="EllipsisLineFraction">Lines ending with "..." or "…", over lines.</param>
/// <param name="AlphaWordFraction">Words with at least one letter, over words.</param>
/// <param name="StopWords">Occurrences of Gopher's eight stop words (the, be, to, of, and, that, have, with), any case.</param>
/// <param name="DuplicateLineFraction">Lines repeating an earlier line, over lines.</param>
/// <param name="DuplicateLineCharFraction">Characters of those repeated lines, over all characters (Gopher).</param>
/// <param name="TopNgramCharFraction">Index 0, 1, 2: n = 2, 3, 4 (see <see cref="Repetition.TopNgramCharFraction"/>).</param>
/// <param name="DuplicateNgramCharFraction">Index 0..5: n = 5..10 (see <see cref="Repetition.DuplicateNgramCharFraction"/>).</param>
/// <param name="TerminalLineFraction">Lines ending in C4's end marks (. ? ! "), over lines.</param>
/// <param name="C4KeptLines">Lines that survive C4's line rules (end mark, not an ellipsis, ≥ 5 words, no "javascript",
/// no policy phrase, no word over 1,000 characters).</param>
/// <param name="C4Sentences">Sentences in the kept lines: end marks (. ? !) followed by a space, a quote or the line's end
/// (TFDS uses NLTK's punkt; this count agrees on ordinary prose and over-counts abbreviations such as "e.g.").</param>
/// <param name="C4PageRule">"lorem ipsum" or "curly bracket" when a kept-so-far line makes C4 drop the whole page, else null.</param>
/// <param name="LinePunctuationRatio">FineWeb: lines ending in . ' " ! ?, over lines.</param>
/// <param name="ShortLineRatio">FineWeb: lines of at most 30 characters, over lines.</param>
/// <param name="DuplicateLineCharRatio">FineWeb: characters of repeated lines over all characters but newlines.</param>
/// <param name="NewlineRatio">FineWeb (datatrove's "list ratio"): newline characters over words.</param>
public sealed record DocumentSignals(
    int Chars, int Words, int Tokens, int Lines,
    double MeanWordLength, double SymbolWordRatio, double BulletLineFraction, double EllipsisLineFraction,
    double AlphaWordFraction, int StopWords,
    double DuplicateLineFraction, double DuplicateLineCharFraction,
    IReadOnlyList<double> TopNgramCharFraction, IReadOnlyList<double> DuplicateNgramCharFraction,
    double TerminalLineFraction, int C4KeptLines, int C4Sentences, string? C4PageRule,
    double LinePunctuationRatio, double ShortLineRatio, double DuplicateLineCharRatio, double NewlineRatio)
{
    static readonly HashSet<string> GopherStopWords = new(["the", "be", "to", "of", "and", "that", "have", "with"],
        StringComparer.OrdinalIgnoreCase);
    static readonly string[] Bullets = ["•", "‣", "◦", "●", "▪", "-", "*"];

    /// <summary>The signals of <paramref name="text"/>; <paramref name="tokens"/> is its token count (0 if not tokenized).</summary>
    public static DocumentSignals Of(string text, int tokens = 0)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = TextUnits.Lines(text);
        var words = TextUnits.Words(text);
        int nl = lines.Count, nw = words.Count;
        long wordChars = 0;
        int alpha = 0, stop = 0;
        foreach (string w in words)
        {
            wordChars += w.Length;
            if (TextUnits.HasLetter(w)) alpha++;
            if (GopherStopWords.Contains(w)) stop++;
        }

        // Gopher quality (Rae et al. 2021, app. A).
        int hashes = Count(text, "#"), ellipses = Count(text, "...") + Count(text, "…");
        double symbol = nw == 0 ? 0 : Math.Max(hashes, ellipses) / (double)nw;
        int bullets = 0, ellipsisLines = 0, terminal = 0, punct = 0, shortLines = 0;
        foreach (string line in lines)
        {
            string t = line.Trim();
            if (Bullets.Any(b => t.StartsWith(b, StringComparison.Ordinal))) bullets++;
            if (t.EndsWith("...", StringComparison.Ordinal) || t.EndsWith('…')) ellipsisLines++;
            if (t.Length > 0 && t[^1] is '.' or '?' or '!' or '"') terminal++;
            if (line.Length > 0 && line[^1] is '.' or '\'' or '"' or '!' or '?') punct++;
            if (line.Length <= QualityRules.FineWebShortLineChars) shortLines++;
        }

        // Gopher repetition (table A1).
        var (dupLines, dupChars) = Repetition.DuplicateLines(lines);
        long[] wh = Repetition.WordHashes(words);
        var top = new[] { 2, 3, 4 }.Select(n => Repetition.TopNgramCharFraction(words, wh, n, wordChars)).ToArray();
        var dup = Enumerable.Range(5, 6).Select(n => Repetition.DuplicateNgramCharFraction(words, wh, n, wordChars)).ToArray();

        var (kept, sentences, pageRule) = C4Lines(text);
        int newlines = Count(text, "\n");
        int charsNoNewline = text.Length - newlines;
        return new DocumentSignals(
            text.Length, nw, tokens, nl,
            nw == 0 ? 0 : wordChars / (double)nw, symbol, Frac(bullets, nl), Frac(ellipsisLines, nl),
            Frac(alpha, nw), stop,
            Frac(dupLines, nl), text.Length == 0 ? 0 : dupChars / (double)text.Length, top, dup,
            Frac(terminal, nl), kept, sentences, pageRule,
            Frac(punct, nl), Frac(shortLines, nl), charsNoNewline == 0 ? 0 : Math.Min(1, dupChars / (double)charsNoNewline),
            nw == 0 ? (newlines > 0 ? 1 : 0) : newlines / (double)nw);
    }

    /// <summary>C4's line cleaning (Raffel et al. 2020 §2.2, in the order of TFDS's <c>c4_utils.clean_page</c>):
    /// kept lines, the sentences they hold, and the page rule that fired, if any.</summary>
    static (int Kept, int Sentences, string? PageRule) C4Lines(string text)
    {
        int kept = 0, sentences = 0;
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            string[] tokens = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Any(t => t.Length > QualityRules.C4MaxWordChars)) continue;
            if (line.Length == 0 || line[^1] is not ('.' or '?' or '!' or '"') || line.EndsWith("...", StringComparison.Ordinal)) continue;
            if (tokens.Length < QualityRules.C4MinWordsPerLine) continue;
            string lower = line.ToLowerInvariant();
            if (lower.Contains("lorem ipsum", StringComparison.Ordinal)) return (kept, sentences, "lorem ipsum");
            if (lower.Contains("javascript", StringComparison.Ordinal)) continue;
            if (line.Contains('{')) return (kept, sentences, "curly bracket");
            if (QualityRules.C4PolicySubstrings.Any(p => lower.Contains(p, StringComparison.Ordinal))) continue;
            kept++;
            sentences += Sentences(line);
        }
        return (kept, sentences, null);
    }

    // End marks followed by whitespace, a closing quote or bracket, or the end of the line.
    static int Sentences(string line)
    {
        int n = 0;
        for (int i = 0; i < line.Length; i++)
        {
            if (line[i] is not ('.' or '?' or '!')) continue;
            while (i + 1 < line.Length && line[i + 1] is '.' or '?' or '!') i++;
            if (i + 1 == line.Length || char.IsWhiteSpace(line[i + 1]) || line[i + 1] is '"' or '\'' or ')' or '”' or '’') n++;
        }
        return Math.Max(n, 1); // a kept line ends with an end mark, so it holds at least one sentence
    }

    static double Frac(long part, long whole) => whole == 0 ? 0 : part / (double)whole;

    static int Count(string text, string what)
    {
        int n = 0, i = 0;
        while ((i = text.IndexOf(what, i, StringComparison.Ordinal)) >= 0) { n++; i += what.Length; }
        return n;
    }
}
