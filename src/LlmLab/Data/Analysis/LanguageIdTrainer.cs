using System.IO.Compression;
using LlmLab.Text;

namespace LlmLab.Data.Analysis;

/// <summary>
/// Trains a <see cref="LanguageIdentifier"/> from directories of man pages, one set per language, and sets aside a
/// held-out evaluation set from other pages. Steps:
/// <list type="number">
/// <item>Each language's pages (roff, plain or .gz, found recursively, sorted by a stable hash of their path so a cap
/// samples every section) are split by page: about <see cref="Options.HeldOutFraction"/> of the pages (by path hash)
/// are held out, so no held-out line has a near-copy in training.</item>
/// <item>Pages become paragraphs (<see cref="RoffText"/>); only prose is kept (<see cref="IsProse"/>). In the translated packages, strings
/// the translators have not done yet stay in English; a paragraph of a non-English set whose words are ≥ 15% common English words is
/// dropped as such a leftover (<see cref="LooksEnglish"/>).</item>
/// <item>Training paragraphs are counted into 1–3-grams until a language reaches <see cref="Options.MaxCharsPerLanguage"/>;
/// each language keeps its <see cref="Options.GramsPerLanguage"/> most frequent n-grams.</item>
/// <item>Held-out paragraphs are cut at word boundaries into lines of at most <see cref="Options.MaxLineChars"/>; lines of at
/// least <see cref="Options.MinLineChars"/> that are mostly letters are candidates, and <see cref="Options.HeldOutLines"/>
/// per language are chosen by a stable hash of their text.</item>
/// </list>
/// </summary>
public static class LanguageIdTrainer
{
    /// <summary>Training settings; the defaults made the embedded model.</summary>
    /// <param name="GramsPerLanguage">N-grams kept per language (the model is the union).</param>
    /// <param name="MaxCharsPerLanguage">Training characters read per language at most (balances the languages).</param>
    /// <param name="HeldOutFraction">Share of pages held out.</param>
    /// <param name="HeldOutLines">Held-out lines kept per language.</param>
    /// <param name="MinLineChars">Shortest held-out line.</param>
    /// <param name="MaxLineChars">Longest held-out line.</param>
    public sealed record Options(int GramsPerLanguage = 3000, long MaxCharsPerLanguage = 2_000_000, double HeldOutFraction = 0.15,
        int HeldOutLines = 300, int MinLineChars = 50, int MaxLineChars = 160);

    /// <summary>The trained model, the held-out lines (language, text), and per language: pages read, training characters.</summary>
    public sealed record Result(LanguageIdentifier Model, IReadOnlyList<(string Language, string Text)> HeldOut,
        IReadOnlyList<(string Language, int Pages, long TrainingChars, int HeldOutLines)> PerLanguage);

    static readonly HashSet<string> EnglishFunctionWords = new(
        // Words frequent in English and absent, or rare, as words of the other nine languages ("a", "in", "an", "do" are not here).
        ["the", "and", "to", "for", "with", "this", "that", "are", "by", "from", "which", "you", "when", "will", "is", "be", "of", "or",
         "not", "if",
         "it", "should", "can", "must", "may", "these", "those", "there", "their", "has", "have", "was", "were", "been", "such", "any",
         "also", "only", "into", "than", "then", "its", "other", "more", "used", "using", "see", "each", "does", "instead", "at", "on"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>Trains on <paramref name="languages"/>: each a code and its directories (or files) of man pages.</summary>
    /// <exception cref="InputException">A directory is missing, or a language has no text.</exception>
    public static Result Train(IReadOnlyList<(string Language, IReadOnlyList<string> Paths)> languages, Options? options = null,
        Action<string>? log = null)
    {
        var o = options ?? new Options();
        var codes = languages.Select(l => l.Language).ToList();
        if (codes.Count == 0) throw new InputException("give at least one language: CODE=DIR[,DIR…]");
        if (codes.Distinct(StringComparer.Ordinal).Count() != codes.Count)
            throw new InputException("a language is given twice; list all its directories in one CODE=DIR,DIR");
        var totals = new long[codes.Count];
        var perLanguageCounts = new List<Dictionary<string, long>>();
        var heldOut = new List<(string, string)>();
        var summary = new List<(string, int, long, int)>();
        for (int l = 0; l < codes.Count; l++)
        {
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            var lookup = counts.GetAlternateLookup<ReadOnlySpan<char>>();
            var candidates = new List<string>();
            long chars = 0;
            int pages = 0;
            foreach (string file in Files(languages[l].Paths))
            {
                bool held = CorpusSplit.IsValidation(file, o.HeldOutFraction);
                if (!held && chars >= o.MaxCharsPerLanguage) continue;
                pages++;
                foreach (string p in RoffText.Paragraphs(ReadPage(file)))
                {
                    if (!IsProse(p) || (codes[l] != "en" && LooksEnglish(p))) continue;
                    if (held) { candidates.AddRange(Lines(p, o)); continue; }
                    if (chars >= o.MaxCharsPerLanguage) break;
                    chars += p.Length;
                    LanguageIdentifier.ForEachGram(p, g =>
                    {
                        totals[l]++;
                        if (lookup.TryGetValue(g, out long c)) lookup[g] = c + 1;
                        else counts[g.ToString()] = 1;
                    });
                }
            }
            if (chars == 0)
                throw new InputException(
                    $"language '{codes[l]}': no text found in {string.Join(", ", languages[l].Paths)}; install " +
                    $"its man pages or fix the path");
            var chosen = candidates.Distinct(StringComparer.Ordinal)
                .OrderBy(t => CorpusSplit.Hash(t)).Take(o.HeldOutLines).ToList();
            heldOut.AddRange(chosen.Select(t => (codes[l], t)));
            perLanguageCounts.Add(counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
                .Take(o.GramsPerLanguage).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal));
            summary.Add((codes[l], pages, chars, chosen.Count));
            log?.Invoke(
                $"{codes[l]}: {pages:N0} pages, {chars:N0} training characters, {counts.Count:N0} distinct n-grams, " +
                $"{chosen.Count} held-out lines");
        }
        var union = new Dictionary<string, long[]>(StringComparer.Ordinal);
        for (int l = 0; l < codes.Count; l++)
            foreach (var (g, c) in perLanguageCounts[l])
            {
                if (!union.TryGetValue(g, out var row)) union[g] = row = new long[codes.Count];
                row[l] = c;
            }
        return new Result(LanguageIdentifier.Create(codes, totals, union), heldOut, summary);
    }

    /// <summary>True when ≥ 15% of the paragraph's words (and at least 2) are common English words: an untranslated
    /// leftover in a translated page.</summary>
    public static bool LooksEnglish(string paragraph)
    {
        var words = TextUnits.Words(paragraph);
        int english = words.Count(EnglishFunctionWords.Contains);
        return english >= 2 && english >= 0.15 * words.Count;
    }

    /// <summary>
    /// Running prose rather than a table, a synopsis or code (the pages hold all three, often untranslated): at least
    /// 70% of the non-blank characters are letters, at most 25% of the letters are capitals (charset tables, constant
    /// lists), and at most 3% of the characters are code punctuation ({ } [ ] &lt; &gt; | $ = ; / \ _ #).
    /// </summary>
    public static bool IsProse(string text)
    {
        int nonBlank = 0, letters = 0, upper = 0, code = 0;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c)) continue;
            nonBlank++;
            if (char.IsLetter(c)) { letters++; if (char.IsUpper(c)) upper++; }
            else if ("{}[]<>|$=;/\\_#".Contains(c)) code++;
        }
        return nonBlank > 0 && letters >= 0.7 * nonBlank && upper <= 0.25 * letters && code <= 0.03 * text.Length;
    }

    /// <summary>Held-out candidates of a paragraph: pieces cut at spaces, of MinLineChars..MaxLineChars, that are prose.</summary>
    static IEnumerable<string> Lines(string paragraph, Options o)
    {
        int start = 0;
        while (start < paragraph.Length)
        {
            int end = Math.Min(paragraph.Length, start + o.MaxLineChars);
            if (end < paragraph.Length)
            {
                int space = paragraph.LastIndexOf(' ', end - 1, end - start);
                if (space > start) end = space;
            }
            string line = paragraph[start..end].Trim();
            if (line.Length >= o.MinLineChars && IsProse(line)) yield return line;
            start = end + 1;
        }
    }

    static IEnumerable<string> Files(IReadOnlyList<string> paths)
    {
        var files = new List<string>();
        foreach (string p in paths)
        {
            if (File.Exists(p)) files.Add(p);
            else if (Directory.Exists(p)) files.AddRange(Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories));
            else throw new InputException(
                $"man page directory '{p}' not found; install the package (e.g. apt-get install manpages-fr) or fix the path");
        }
        return files.OrderBy(f => CorpusSplit.Hash(f)).ThenBy(f => f, StringComparer.Ordinal);
    }

    static string ReadPage(string file)
    {
        using Stream raw = File.OpenRead(file);
        using Stream s = file.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(raw, CompressionMode.Decompress) : raw;
        using var reader = new StreamReader(s, System.Text.Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
