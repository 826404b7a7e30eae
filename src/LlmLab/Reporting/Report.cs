using System.Net;
using System.Text;

namespace LlmLab.Reporting;

/// <summary>
/// A lab's report, built as a list of blocks and rendered both to Markdown (report.md) and to a self-contained
/// HTML page (report.html). Headlines are the few figures the run index shows for the lab. Not thread-safe.
/// </summary>
public sealed class Report
{
    abstract record Block;
    sealed record HeadingBlock(string Text, int Level) : Block;
    sealed record ParagraphBlock(string Text) : Block;
    sealed record TableBlock(string[] Header, List<string[]> Rows, string? Caption) : Block;
    sealed record ImageBlock(string Path, string Alt) : Block;
    sealed record CodeBlock(string Text) : Block;

    readonly List<Block> _blocks = [];
    readonly List<(string Name, string Value)> _headlines = [];
    readonly List<string> _images = [];

    public Report(string title) => Title = title;

    public string Title { get; }
    public IReadOnlyList<(string Name, string Value)> Headlines => _headlines;
    /// <summary>Relative paths of the images the report shows, in order.</summary>
    public IReadOnlyList<string> Images => _images;

    public void Heading(string text, int level = 2) => _blocks.Add(new HeadingBlock(text, Math.Clamp(level, 2, 4)));
    public void Paragraph(string text) => _blocks.Add(new ParagraphBlock(text));
    public void Code(string text) => _blocks.Add(new CodeBlock(text));
    public void Table(string[] header, IEnumerable<string[]> rows, string? caption = null) =>
        _blocks.Add(new TableBlock(header, rows.ToList(), caption));
    public void Image(string relativePath, string alt) { _blocks.Add(new ImageBlock(relativePath, alt)); _images.Add(relativePath); }
    /// <summary>A headline figure: shown in the report and on the run's index page.</summary>
    public void Headline(string name, string value) => _headlines.Add((name, value));

    public string ToMarkdown(IReadOnlyList<Check> checks, string statusLine)
    {
        var sb = new StringBuilder();
        sb.Append("# ").AppendLine(Title).AppendLine().AppendLine(statusLine).AppendLine();
        if (_headlines.Count > 0)
        {
            foreach (var (n, v) in _headlines) sb.Append("- **").Append(n).Append("**: ").AppendLine(v);
            sb.AppendLine();
        }
        foreach (var b in _blocks)
        {
            switch (b)
            {
                case HeadingBlock h: sb.Append('#', h.Level).Append(' ').AppendLine(h.Text).AppendLine(); break;
                case ParagraphBlock p: sb.AppendLine(p.Text).AppendLine(); break;
                case CodeBlock c: sb.AppendLine("```").AppendLine(c.Text.TrimEnd()).AppendLine("```").AppendLine(); break;
                case ImageBlock i: sb.Append("![").Append(i.Alt).Append("](").Append(i.Path).AppendLine(")").AppendLine(); break;
                case TableBlock t: MarkdownTable(sb, t.Header, t.Rows, t.Caption); break;
            }
        }
        sb.AppendLine("## Checks").AppendLine();
        MarkdownTable(sb, ["", "check", "expected", "measured", "expectation from"],
            checks.Select(c => new[] { c.Mark, c.Skipped ? c.Name + " *(skipped)*" : c.Name, c.Expected, c.Measured, c.SourceLabel })
                .ToList(), null);
        return sb.ToString();
    }

    static void MarkdownTable(StringBuilder sb, string[] header, List<string[]> rows, string? caption)
    {
        if (caption != null) sb.Append('*').Append(caption).AppendLine("*").AppendLine();
        static string Cell(string s) => s.Replace("|", "\\|").Replace("\n", " ");
        sb.Append("| ").Append(string.Join(" | ", header.Select(Cell))).AppendLine(" |");
        sb.Append('|').Append(string.Concat(header.Select(_ => "---|"))).AppendLine();
        foreach (var r in rows) sb.Append("| ").Append(string.Join(" | ", r.Select(Cell))).AppendLine(" |");
        sb.AppendLine();
    }

    public string ToHtml(IReadOnlyList<Check> checks, string statusLine, bool passed)
    {
        var sb = new StringBuilder();
        HtmlPage.Open(sb, Title);
        sb.Append("<p><a href=\"../index.html\">← run index</a></p>");
        sb.Append("<h1>").Append(E(Title)).Append("</h1>");
        sb.Append("<p class=\"").Append(passed ? "pass" : "fail").Append("\">").Append(E(statusLine)).Append("</p>");
        if (_headlines.Count > 0)
        {
            sb.Append("<ul class=\"headlines\">");
            foreach (var (n, v) in _headlines) sb.Append("<li><b>").Append(E(n)).Append("</b>: ").Append(E(v)).Append("</li>");
            sb.Append("</ul>");
        }
        foreach (var b in _blocks)
        {
            switch (b)
            {
                case HeadingBlock h: sb.Append("<h").Append(h.Level).Append('>').Append(E(h.Text)).Append("</h").Append(h.Level)
                    .Append('>'); break;
                case ParagraphBlock p: sb.Append("<p>").Append(E(p.Text)).Append("</p>"); break;
                case CodeBlock c: sb.Append("<pre>").Append(E(c.Text)).Append("</pre>"); break;
                case ImageBlock i: sb.Append("<figure><img src=\"").Append(E(i.Path)).Append("\" alt=\"").Append(E(i.Alt))
                    .Append("\"><figcaption>").Append(E(i.Alt)).Append("</figcaption></figure>"); break;
                case TableBlock t: HtmlPage.Table(sb, t.Header, t.Rows, t.Caption); break;
            }
        }
        sb.Append("<h2>Checks</h2>");
        HtmlPage.Checks(sb, checks);
        HtmlPage.Close(sb);
        return sb.ToString();
    }

    static string E(string s) => WebUtility.HtmlEncode(s);
}
