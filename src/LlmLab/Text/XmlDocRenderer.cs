using System.Xml.Linq;

namespace LlmLab.Text;

/// <summary>
/// Renders one <c>&lt;member&gt;</c> of a compiler-generated XML documentation file as plain prose: summary, value,
/// remarks and example as paragraphs, then one line per type parameter and parameter ("name: …"), "Returns: …",
/// and one line per exception ("ArgumentNullException: …"). References become short names
/// (<c>&lt;see cref="M:System.String.Split(System.Char[])"/&gt;</c> → "String.Split"), <c>&lt;see langword="null"/&gt;</c>
/// → "null", <c>&lt;paramref name="x"/&gt;</c> → "x"; list items become "- " lines; other markup is dropped, keeping its text.
/// </summary>
internal static class XmlDocRenderer
{
    public static string Render(XElement member)
    {
        var paragraphs = new List<string>();
        foreach (string section in (string[])["summary", "value", "remarks", "example"])
            foreach (var el in member.Elements(section))
            {
                string text = Inline(el);
                if (text.Length > 0) paragraphs.Add(section == "value" ? "Value: " + text : text);
            }
        var lines = new List<string>();
        foreach (var el in member.Elements("typeparam").Concat(member.Elements("param")))
            AddLine(lines, (string?)el.Attribute("name"), Inline(el));
        foreach (var el in member.Elements("returns")) AddLine(lines, "Returns", Inline(el));
        foreach (var el in member.Elements("exception"))
            AddLine(lines, el.Attribute("cref") is { } cref ? ShortName(cref.Value) : "Exception", Inline(el));
        if (lines.Count > 0) paragraphs.Add(string.Join('\n', lines));
        return string.Join("\n\n", paragraphs);
    }

    static void AddLine(List<string> lines, string? label, string text)
    {
        if (text.Length > 0) lines.Add(string.IsNullOrEmpty(label) ? text : $"{label}: {text}");
    }

    static string Inline(XElement element)
    {
        var w = new ProseWriter();
        Nodes(element, w);
        return w.ToString();
    }

    static void Nodes(XElement parent, ProseWriter w)
    {
        foreach (var node in parent.Nodes())
        {
            if (node is XText text) w.Text(text.Value); // XCData is an XText too
            else if (node is XElement el) Element(el, w);
        }
    }

    static void Element(XElement el, ProseWriter w)
    {
        switch (el.Name.LocalName)
        {
            case "see" or "seealso" or "xref":
                if (el.Nodes().Any()) { Nodes(el, w); break; }
                string? target = (string?)el.Attribute("cref") ?? (string?)el.Attribute("langword") ?? (string?)el.Attribute("href");
                if (target is null && (string?)el.Attribute("uid") is { } uid) target = UidShortName(uid);
                else if (el.Attribute("cref") is not null) target = ShortName(target!);
                if (target is not null) w.Text(target);
                break;
            case "paramref" or "typeparamref":
                w.Text((string?)el.Attribute("name") ?? "");
                break;
            case "code" when el.Value.Contains('\n'):
                w.Verbatim(el.Value);
                break;
            case "para" or "p" or "div" or "list" or "ul" or "ol" or "table":
                w.Break(paragraph: true);
                Nodes(el, w);
                w.Break(paragraph: true);
                break;
            case "item" or "li" or "listheader" or "tr":
                w.Break(paragraph: false);
                w.Text("- ");
                Item(el, w);
                w.Break(paragraph: false);
                break;
            case "br":
                w.Break(paragraph: false);
                break;
            case "inheritdoc" or "include" or "filterpriority" or "exclude":
                break;
            default: // c, code (inline), b, i, em, strong, a, sup, sub, term, description, span …: their text
                Nodes(el, w);
                break;
        }
    }

    // <item><term>T</term><description>D</description></item> → "T: D" ("T. D" when the term ends a sentence).
    static void Item(XElement item, ProseWriter w)
    {
        var term = item.Element("term");
        var description = item.Element("description");
        if (term is null || description is null) { Nodes(item, w); return; }
        Nodes(term, w);
        w.Text(w.LastChar is '.' or ':' or '!' or '?' ? " " : ": ");
        Nodes(description, w);
    }

    /// <summary>
    /// The short, readable name of a documentation id: "T:System.String" → "String", "P:System.String.Length" →
    /// "String.Length", "M:System.String.Split(System.Char[])" → "String.Split", constructors → the type name,
    /// generic arity and explicit-interface prefixes dropped; namespaces ("N:System.IO") stay whole.
    /// </summary>
    internal static string ShortName(string cref)
    {
        string kind = cref.Length > 2 && cref[1] == ':' ? cref[..1] : "T";
        string name = cref.Length > 2 && cref[1] == ':' ? cref[2..] : cref;
        if (kind == "N") return name;
        name = StripSignature(name);
        var parts = name.Split('.').Select(CleanSegment).Where(p => p.Length > 0).ToList();
        if (parts.Count == 0) return name;
        if (kind is "T" or "!") return parts[^1];
        string member = parts[^1];
        string? type = parts.Count > 1 ? parts[^2] : null;
        if (member is "#ctor" or "#cctor" or "ctor") return type ?? member;
        return type is null ? member : $"{type}.{member}";
    }

    // xref uids carry no kind prefix: with a parameter list it is a member (Type.Member), else take the last name.
    static string UidShortName(string uid)
    {
        uid = uid.TrimEnd('*');
        return uid.Contains('(') ? ShortName("M:" + uid) : ShortName("T:" + uid);
    }

    // Parameter list "(…)", conversion-operator return "~T", generic argument lists "{…}".
    static string StripSignature(string name)
    {
        int cut = name.IndexOfAny(['(', '~']);
        if (cut >= 0) name = name[..cut];
        while (name.IndexOf('{') is var open and >= 0)
        {
            int close = name.IndexOf('}', open);
            name = close < 0 ? name[..open] : name[..open] + name[(close + 1)..];
        }
        return name;
    }

    // "List`1" → "List", "Select``2" → "Select", "System#Collections#IList#Add" → "Add" (explicit interface member).
    static string CleanSegment(string segment)
    {
        if (segment.StartsWith('#')) return segment; // #ctor, #cctor
        int hash = segment.LastIndexOf('#');
        if (hash >= 0) segment = segment[(hash + 1)..];
        int tick = segment.IndexOf('`');
        return tick >= 0 ? segment[..tick] : segment;
    }
}
