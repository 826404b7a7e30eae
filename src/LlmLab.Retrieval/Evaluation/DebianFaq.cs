using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using LlmLab.Retrieval.Documents;

namespace LlmLab.Retrieval.Evaluation;

/// <summary>
/// The Debian FAQ (Debian package <c>debian-faq</c>; French: <c>debian-faq-fr</c>) as a retrieval benchmark: its plain-text
/// edition is split at numbered headings ("1.2. What is Debian GNU/Linux?", possibly wrapped over lines). Each section
/// becomes a document whose text is the answer alone — indexing the heading too would hand BM25 the question — and
/// each heading that is a question becomes an <see cref="EvalQuestion"/> whose relevant source is its section.
/// </summary>
public static partial class DebianFaq
{
    /// <summary>Where Debian installs the English plain-text FAQ.</summary>
    public const string EnglishPath = "/usr/share/doc/debian/FAQ/debian-faq.en.txt.gz";

    /// <summary>Where Debian installs the French plain-text FAQ.</summary>
    public const string FrenchPath = "/usr/share/doc/debian/FAQ/debian-faq.fr.txt.gz";

    [GeneratedRegex(@"^(\d+(?:\.\d+)+)\.\s+(.*)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^(Chapter|Chapitre)\s+\d+\.")]
    private static partial Regex Chapter();

    /// <summary>The text of an installed FAQ (gzip); a missing file names the package to install.</summary>
    public static string ReadInstalled(string path = EnglishPath)
    {
        if (!File.Exists(path))
        {
            string package = path.Contains(".fr.", StringComparison.Ordinal) ? "debian-faq-fr" : "debian-faq";
            throw new LlmLab.InputException($"{path} not found: install Debian package {package} (apt-get install {package})");
        }
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new StreamReader(gz, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>Sections as documents (id <c>faq-N.M</c>) and question headings as questions.</summary>
    public static (List<SourceDocument> Documents, List<EvalQuestion> Questions) Parse(string text)
    {
        var lines = text.Replace("\r", "").Split('\n');
        var docs = new List<SourceDocument>();
        var questions = new List<EvalQuestion>();
        int i = 0;
        while (i < lines.Length)
        {
            var m = Heading().Match(lines[i]);
            if (!m.Success) { i++; continue; }
            string number = m.Groups[1].Value;
            var title = new StringBuilder(m.Groups[2].Value.Replace('\u00A0', ' ').Trim());
            i++;
            while (i < lines.Length && lines[i].Trim().Length > 0 && !char.IsWhiteSpace(lines[i][0]) && !Heading().IsMatch(lines[i]))
            {
                title.Append(' ').Append(lines[i].Trim()); // a heading wrapped at column 0
                i++;
            }
            var body = new StringBuilder();
            while (i < lines.Length && !Heading().IsMatch(lines[i]) && !Chapter().IsMatch(lines[i]))
            {
                body.Append(lines[i++].Trim()).Append('\n');
            }
            string answer = Regex.Replace(body.ToString().Trim(), @"\n{3,}", "\n\n");
            if (answer.Length == 0) continue; // a heading whose content is all in subsections
            string id = "faq-" + number;
            docs.Add(new SourceDocument(id, $"{number}. {title}", answer, DocumentFormat.PlainText));
            if (title.ToString().EndsWith('?')) questions.Add(new EvalQuestion(title.ToString(), FirstParagraph(answer), [id]));
        }
        return (docs, questions);
    }

    static string FirstParagraph(string answer) => answer.Split("\n\n")[0].Replace('\n', ' ');
}
