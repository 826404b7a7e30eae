using System.Globalization;
using System.Text.RegularExpressions;
using LlmLab.Text;

namespace LlmLab.Data.Mixture;

/// <summary>One source of a data mixture: a name, its documents, where they came from, and an optional weight. Immutable
/// (the documents stream from <see cref="Documents"/> each time they are read).</summary>
/// <param name="Name">A short name: letters, digits, '.', '_' or '-' (it appears in the manifest and reports).</param>
/// <param name="Documents">The documents, read in a deterministic order.</param>
/// <param name="Origin">Where they come from, for people (a path, "sdk-docs").</param>
/// <param name="Weight">Its weight in the mixture, or null to use temperature sampling over sizes.</param>
public sealed partial record MixtureSource(string Name, IDocumentSource Documents, string Origin, double? Weight = null)
{
    /// <summary>
    /// Parses a command-line source, <c>NAME=PATH[:WEIGHT]</c>, and opens PATH with <see cref="Corpora.Open"/> (a .txt,
    /// .md, .jsonl, .parquet file or a directory of them). PATH "sdk-docs" (when no file or directory has that name) is
    /// the default SDK-docs corpus. The weight is the text after the last ':' when it parses as a number.
    /// </summary>
    /// <exception cref="InputException">No NAME=, a bad name, an empty path, or a path that cannot be opened.</exception>
    public static MixtureSource Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int eq = spec.IndexOf('=');
        if (eq <= 0)
            throw new InputException($"--source '{spec}': write it as NAME=PATH or NAME=PATH:WEIGHT (e.g. web=data/web.jsonl:0.7)");
        string name = spec[..eq], rest = spec[(eq + 1)..];
        CheckName(name, $"--source '{spec}'");
        double? weight = null;
        int colon = rest.LastIndexOf(':');
        if (colon >= 0 && double.TryParse(rest[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double w))
            (weight, rest) = (w, rest[..colon]);
        else if (colon >= 0 && !File.Exists(rest) && !Directory.Exists(rest)
            && (File.Exists(rest[..colon]) || Directory.Exists(rest[..colon])))
            throw new InputException($"--source '{spec}': the weight '{rest[(colon + 1)..]}' is not a number " +
                                     $"(write NAME=PATH:WEIGHT, e.g. {name}={rest[..colon]}:0.5)");
        if (rest.Length == 0) throw new InputException($"--source '{spec}': the path is empty; give a file or directory, or sdk-docs");
        bool sdk = rest == "sdk-docs" && !File.Exists(rest) && !Directory.Exists(rest);
        return new MixtureSource(name, sdk ? Corpora.Open(null) : Corpora.Open(rest), rest, weight);
    }

    /// <summary>Throws unless <paramref name="name"/> is 1–64 letters, digits, '.', '_' or '-'.</summary>
    /// <exception cref="InputException">Another name; the message starts with <paramref name="where"/>.</exception>
    public static void CheckName(string name, string where)
    {
        if (!NamePattern().IsMatch(name))
            throw new InputException($"{where}: source name '{name}' must be 1-64 letters, digits, '.', '_' or '-'");
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex NamePattern();
}
