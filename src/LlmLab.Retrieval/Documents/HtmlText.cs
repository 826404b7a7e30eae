using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace LlmLab.Retrieval.Documents;

/// <summary>
/// Turns HTML into Markdown-like text for chunking: <c>h1</c>–<c>h6</c> become ATX headings, block elements
/// become paragraph breaks, scripts and styles are dropped, entities decoded. A reader, not a browser: it keeps
/// the structure chunking needs (sections, paragraphs) and nothing else. Thread-safe.
/// </summary>
public static partial class HtmlText
{
    [GeneratedRegex(@"<(script|style|head)\b.*?</\1\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Hidden();

    [GeneratedRegex(@"<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"</?(p|div|li|ul|ol|br|tr|table|section|article|pre|blockquote|dt|dd|dl)\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex Block();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"[ \t\r\f\v]+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\n\s*\n\s*")]
    private static partial Regex Paragraphs();

    /// <summary>Markdown-like text of an HTML page.</summary>
    public static string ToMarkdown(string html)
    {
        string s = Comment().Replace(Hidden().Replace(html, " "), " ");
        s = Heading().Replace(s, m =>
            $"\n\n{new string('#', int.Parse(m.Groups[1].Value))} {Flatten(Tag().Replace(m.Groups[2].Value, " "))}\n\n");
        s = Block().Replace(s, "\n\n");
        s = WebUtility.HtmlDecode(Tag().Replace(s, " "));
        var sb = new StringBuilder();
        foreach (var para in Paragraphs().Split(s))
        {
            string p = Flatten(para);
            if (p.Length > 0) sb.Append(p).Append("\n\n");
        }
        return sb.ToString().TrimEnd();
    }

    static string Flatten(string s) => Spaces().Replace(s.Replace('\n', ' '), " ").Trim();

    /// <summary>The page's &lt;title&gt;, or null.</summary>
    public static string? Title(string html)
    {
        var m = Regex.Match(html, @"<title\b[^>]*>(.*?)</title\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline);
        return m.Success ? Flatten(WebUtility.HtmlDecode(m.Groups[1].Value)) : null;
    }
}
