using System.Text;
using LlmLab.Text;

namespace LlmLab.Data.Mixture;

/// <summary>
/// The fortune-cookie files of Debian's <c>fortunes</c> packages (strfile's text format: entries separated by lines
/// holding a single '%'), one document per entry, ids "<c>file#n</c>" (n from 1). A second, very different kind of
/// English text for mixtures, present on many Linux machines; the lab treats it as optional. Reads line by line; each
/// enumeration opens the files anew, so it is safe to read from several threads.
/// </summary>
public sealed class FortuneSource : IDocumentSource
{
    /// <summary>Where Debian installs the files.</summary>
    public const string DebianDirectory = "/usr/share/games/fortunes";

    readonly IReadOnlyList<string> _files;

    /// <summary>Entries of <paramref name="files"/>, read in the given order.</summary>
    public FortuneSource(IReadOnlyList<string> files, string name = "fortunes")
    {
        ArgumentNullException.ThrowIfNull(files);
        foreach (string f in files)
            if (!File.Exists(f)) throw new InputException($"fortune file '{f}' not found");
        (_files, Name) = (files.ToList(), name);
    }

    /// <summary>The text files of <paramref name="directory"/> (not the .dat indexes, not the .u8 links), sorted
    /// ordinally; null when there are none (the package is not installed).</summary>
    public static FortuneSource? FromDirectory(string directory = DebianDirectory)
    {
        if (!Directory.Exists(directory)) return null;
        var files = Directory.GetFiles(directory)
            .Where(f => Path.GetExtension(f).Length == 0 && (File.ResolveLinkTarget(f, returnFinalTarget: false) is null))
            .Order(StringComparer.Ordinal).ToList();
        return files.Count == 0 ? null : new FortuneSource(files);
    }

    public string Name { get; }

    public IEnumerable<Document> Read(CancellationToken cancellationToken = default)
    {
        foreach (string file in _files)
        {
            string name = Path.GetFileName(file);
            int n = 0;
            var entry = new StringBuilder();
            foreach (string line in File.ReadLines(file, Encoding.UTF8).Append("%"))
            {
                if (line != "%")
                {
                    entry.Append(line.TrimEnd()).Append('\n');
                    continue;
                }
                cancellationToken.ThrowIfCancellationRequested();
                string text = entry.ToString().Trim();
                entry.Clear();
                if (text.Length > 0) yield return new Document($"{name}#{++n}", text, name);
            }
        }
    }
}
