using System.Text;

namespace LlmLab.Data.Analysis;

/// <summary>
/// Accuracy and confusion of a <see cref="LanguageIdentifier"/> on labelled lines. The held-out set shipped with the
/// library (<see cref="DefaultHeldOut"/>) comes from man pages the embedded model never saw (see
/// <see cref="LanguageIdTrainer"/>). Immutable.
/// </summary>
/// <param name="Languages">The model's languages, in order (rows and columns of <see cref="Confusion"/>; a last column
/// counts <see cref="LanguageIdentifier.Undetermined"/>).</param>
/// <param name="Confusion">[true language, guessed language] counts.</param>
/// <param name="Lines">Lines evaluated.</param>
/// <param name="Correct">Lines whose guess is their label.</param>
public sealed record LanguageIdEvaluation(IReadOnlyList<string> Languages, long[,] Confusion, int Lines, int Correct)
{
    const string ResourceName = "LlmLab.Data.Analysis.langid-heldout.tsv";

    /// <summary>Correct / lines (0 when there are none).</summary>
    public double Accuracy => Lines == 0 ? 0 : Correct / (double)Lines;

    /// <summary>Accuracy on the lines of one language.</summary>
    public double AccuracyOf(string language)
    {
        int l = IndexOf(language);
        long row = 0;
        for (int g = 0; g <= Languages.Count; g++) row += Confusion[l, g];
        return row == 0 ? 0 : Confusion[l, l] / (double)row;
    }

    /// <summary>Evaluates <paramref name="model"/> on the labelled lines of at least <paramref name="minChars"/> characters;
    /// lines of a language the model does not know are skipped.</summary>
    public static LanguageIdEvaluation Run(LanguageIdentifier model, IEnumerable<(string Language, string Text)> lines, int minChars = 50)
    {
        var langs = model.Languages;
        var confusion = new long[langs.Count, langs.Count + 1];
        int n = 0, correct = 0;
        foreach (var (lang, text) in lines)
        {
            int t = Index(langs, lang);
            if (t < 0 || text.Length < minChars) continue;
            string guess = model.Identify(text);
            int g = Index(langs, guess);
            confusion[t, g < 0 ? langs.Count : g]++;
            n++;
            if (g == t) correct++;
        }
        return new LanguageIdEvaluation(langs, confusion, n, correct);
    }

    /// <summary>The held-out lines embedded in the library (language, text).</summary>
    public static IReadOnlyList<(string Language, string Text)> DefaultHeldOut()
    {
        using var s = typeof(LanguageIdEvaluation).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the library has no embedded resource '{ResourceName}'; rebuild it");
        return ReadTsv(new StreamReader(s, Encoding.UTF8), "the embedded held-out set");
    }

    /// <summary>Reads "language TAB text" lines; <paramref name="name"/> names the file in errors.</summary>
    /// <exception cref="InputException">A line without a tab.</exception>
    public static List<(string Language, string Text)> ReadTsv(TextReader reader, string name)
    {
        var lines = new List<(string, string)>();
        int number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0) continue;
            int tab = line.IndexOf('\t');
            if (tab <= 0) throw new InputException($"{name} line {number}: expected 'language<TAB>text'");
            lines.Add((line[..tab], line[(tab + 1)..]));
        }
        return lines;
    }

    /// <summary>Writes "language TAB text" lines (tabs and newlines in the text become spaces).</summary>
    public static string ToTsv(IEnumerable<(string Language, string Text)> lines)
    {
        var sb = new StringBuilder();
        foreach (var (lang, text) in lines)
            sb.Append(lang).Append('\t').Append(text.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ')).Append('\n');
        return sb.ToString();
    }

    int IndexOf(string language)
    {
        int i = Index(Languages, language);
        return i >= 0 ? i : throw new ArgumentException(
            $"'{language}' is not one of the model's languages ({string.Join(", ", Languages)})", nameof(language));
    }

    static int Index(IReadOnlyList<string> langs, string lang)
    {
        for (int i = 0; i < langs.Count; i++) if (langs[i] == lang) return i;
        return -1;
    }
}
