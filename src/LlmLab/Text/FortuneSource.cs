using System.Text;
namespace LlmLab.Text;

/// <summary>
/// Fortune-cookie files (Debian's <c>fortunes</c> package, in <see cref="DefaultFolder"/>): entries separated by lines
/// holding a single '%'. Each entry is a document, id "<c>file:n</c>" (1-based entry number), source the file name; text
/// with "\n" line endings and trailing whitespace trimmed; empty entries are skipped. The package's ~15,000 entries hold
/// real exact and near duplicates (the same quotation in two files, edited attributions), which makes it a small
/// labelled-by-brute-force test bed for dedup, and a second, very different kind of English for mixtures.
/// </summary>
/// <remarks>Streams line by line, files in ordinal name order; each enumeration reopens them.</remarks>
public sealed class FortuneSource : IDocumentSource
{
    /// <summary>Where Debian installs the fortune files.</summary>
    public const string DefaultFolder = "/usr/share/games/fortunes";

    /// <summary>A source over the given fortune files, read in this order.</summary>
    public FortuneSource(IReadOnlyList<string> files, string name = "fortunes")
    {
        ArgumentNullException.ThrowIfNull(files);
        foreach (string f in files) if (!File.Exists(f)) throw new InputException($"fortune file '{f}' not found");
        (Files, Name) = (files.ToList(), name);
    }

    public string Name { get; }
    public IReadOnlyList<string> Files { get; }

    /// <summary>True when the fortunes package's files are present.</summary>
    public static bool IsInstalled(string folder = DefaultFolder) => Find(folder).Count > 0;

    /// <summary>Every fortune file of <paramref name="folder"/>, or null when there is none (the package is not installed).</summary>
    public static FortuneSource? FromDirectory(string folder = DefaultFolder) => Find(folder) is { Count: > 0 } files
        ? new FortuneSource(files) : null;

    /// <summary>The installed fortune files (all, or those named), else an <see cref="InputException"/> naming the package.</summary>
    /// <param name="names">File names to keep (e.g. "linux", "cookie"); null for all.</param>
    /// <param name="folder">Where to look.</param>
    public static FortuneSource Installed(IReadOnlyCollection<string>? names = null, string folder = DefaultFolder)
    {
        var files = Find(folder);
        if (files.Count == 0)
            throw new InputException(
                $"Debian's 'fortunes' package is not installed ({folder} has no fortune files); install it " +
                $"with 'apt-get install fortunes'");
        if (names is not null)
        {
            var missing = names.Where(n => !files.Any(f => Path.GetFileName(f) == n)).ToList();
            if (missing.Count > 0)
                throw new InputException(
                    $"fortune file(s) {string.Join(", ", missing)} not found in {folder}; is the full 'fortunes' package installed?");
            files = files.Where(f => names.Contains(Path.GetFileName(f))).ToList();
        }
        return new FortuneSource(files);
    }

    // Fortune files have no extension; the .dat index files and the .u8 links beside them are not read, nor any other
    // symbolic link (it would read a file twice).
    static List<string> Find(string folder) => !Directory.Exists(folder) ? [] :
        Directory.EnumerateFiles(folder)
            .Where(f => Path.GetExtension(f).Length == 0 && File.ResolveLinkTarget(f, returnFinalTarget: false) is null)
            .Order(StringComparer.Ordinal).ToList();

    public IEnumerable<Document> Read(CancellationToken cancellationToken = default)
    {
        foreach (string file in Files)
        {
            string name = Path.GetFileName(file);
            using var reader = new StreamReader(file, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            var entry = new StringBuilder();
            int n = 0;
            while (true)
            {
                string? line = reader.ReadLine();
                if (line is null || line == "%")
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    string text = entry.ToString().TrimEnd();
                    entry.Clear();
                    if (text.Trim().Length > 0) yield return new Document($"{name}:{++n}", text, name);
                    if (line is null) break;
                    continue;
                }
                if (entry.Length > 0) entry.Append('\n');
                entry.Append(line);
            }
        }
    }
}
