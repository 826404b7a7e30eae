using System.Globalization;
using System.Text;

namespace LlmLab.Data.Analysis;

/// <summary>
/// The running text of a man page's roff source (the training text of the language identifier): paragraphs with
/// requests dropped, font macros' arguments kept inline, and groff escapes decoded (accents such as <c>\('e</c> → é,
/// named glyphs such as <c>\(Fo</c> → «, <c>\[u00E9]</c> → é; fonts, sizes, registers and comments removed). Not a
/// formatter: tables, conditionals and macros' definitions are simply dropped. Pure functions; thread-safe.
/// </summary>
public static class RoffText
{
    // Font macros whose arguments are running text (man(7)).
    static readonly HashSet<string> FontMacros = new(["B", "I", "BR", "BI", "IB", "IR", "RB", "RI", "SM", "SB"], StringComparer.Ordinal);

    // groff_char(7) names used by the translated pages; others decode to nothing.
    static readonly Dictionary<string, string> Glyphs = new(StringComparer.Ordinal)
    {
        ["aq"] = "'", ["dq"] = "\"", ["lq"] = "“", ["rq"] = "”", ["oq"] = "‘", ["cq"] = "’", ["Bq"] = "„", ["bq"] = "‚",
        ["Fo"] = "«", ["Fc"] = "»", ["fo"] = "‹", ["fc"] = "›", ["em"] = "—", ["en"] = "–", ["hy"] = "-", ["mi"] = "-",
        ["bu"] = "•", ["co"] = "©", ["rg"] = "®", ["tm"] = "™", ["ss"] = "ß", ["ae"] = "æ", ["AE"] = "Æ", ["oe"] = "œ",
        ["OE"] = "Œ", ["de"] = "°", ["mu"] = "×", ["di"] = "÷", ["+-"] = "±", ["rs"] = "\\", ["at"] = "@", ["sh"] = "#",
        ["ti"] = "~", ["ha"] = "^", ["ga"] = "`", ["Aq"] = "'", ["lh"] = "☜", ["rh"] = "☞", ["Eu"] = "€", ["eu"] = "€",
    };

    // Composite glyph names (groff_char(7): \('e, \(:u, \(,c …): accent prefix → (base letters, precomposed letters).
    // A table, not Unicode normalisation: the project runs with InvariantGlobalization, where string.Normalize does nothing.
    static readonly Dictionary<char, (string Bases, string Composed)> Accents = new()
    {
        ['\''] = ("aeiouyAEIOUYcnszCNSZlrLR", "áéíóúýÁÉÍÓÚÝćńśźĆŃŚŹĺŕĹŔ"),
        ['`'] = ("aeiouAEIOU", "àèìòùÀÈÌÒÙ"),
        ['^'] = ("aeiouAEIOU", "âêîôûÂÊÎÔÛ"),
        ['~'] = ("anoANO", "ãñõÃÑÕ"),
        [':'] = ("aeiouyAEIOUY", "äëïöüÿÄËÏÖÜŸ"),
        [','] = ("cCsStT", "çÇşŞţŢ"),
        ['o'] = ("aAuU", "åÅůŮ"),
        ['v'] = ("cCsSzZeErRnN", "čČšŠžŽěĚřŘňŇ"),
    };

    /// <summary>The paragraphs of a roff source, each one line of decoded text with runs of whitespace collapsed.</summary>
    public static List<string> Paragraphs(string roff)
    {
        var paragraphs = new List<string>();
        var current = new StringBuilder();
        void Break()
        {
            string p = string.Join(' ', current.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            if (p.Length > 0) paragraphs.Add(p);
            current.Clear();
        }
        foreach (string raw in roff.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.Length == 0) { Break(); continue; }
            if (line[0] is '.' or '\'')
            {
                string body = line[1..].TrimStart();
                int space = body.IndexOfAny([' ', '\t']);
                string name = space < 0 ? body : body[..space];
                if (FontMacros.Contains(name) && space >= 0) current.Append(' ').Append(Decode(body[(space + 1)..].Replace("\"", "")));
                // a request or a structural macro (.SH, .PP, .TP, .br …); comments (.\") are no break
                else if (!name.StartsWith('\\')) Break();
                continue;
            }
            current.Append(' ').Append(Decode(line));
        }
        Break();
        return paragraphs;
    }

    /// <summary>Decodes the groff escapes of one line of text.</summary>
    public static string Decode(string s)
    {
        var sb = new StringBuilder(s.Length);
        int i = 0;
        while (i < s.Length)
        {
            char c = s[i++];
            if (c != '\\' || i >= s.Length) { sb.Append(c); continue; }
            char e = s[i++];
            switch (e)
            {
                case '"' or '#': return sb.ToString(); // comment to the end of the line
                case '-': sb.Append('-'); break;
                case 'e' or '\\': sb.Append('\\'); break;
                case ' ' or '~' or '0': sb.Append(' '); break;
                case '\'': sb.Append('\''); break;
                case '`': sb.Append('`'); break;
                case '(':
                    if (i + 2 <= s.Length) { sb.Append(Glyph(s.Substring(i, 2))); i += 2; }
                    break;
                case '[': sb.Append(Glyph(Bracket(s, ref i))); break;
                case '*': // string interpolation: \*X, \*(XX, \*[name]
                    string str;
                    if (i < s.Length && s[i] == '(')
                        { str = i + 3 <= s.Length ? s.Substring(i + 1, 2) : ""; i = Math.Min(s.Length, i + 3); }
                    else if (i < s.Length && s[i] == '[') { i++; str = Bracket(s, ref i); }
                    else { str = i < s.Length ? s[i].ToString() : ""; i = Math.Min(s.Length, i + 1); }
                    if (Glyphs.TryGetValue(str, out var g)) sb.Append(g);
                    break;
                case 'f' or 'F' or 'n' or 'g' or 'm' or 'M' or 'Y' or 'V' or 'k': // \fB, \f(CW, \f[BI], \n(xx …: dropped
                    if (i < s.Length && s[i] == '(') i = Math.Min(s.Length, i + 3);
                    else if (i < s.Length && s[i] == '[') { i++; Bracket(s, ref i); }
                    else if (i < s.Length) i++;
                    break;
                case 's': // \s+1, \s-2, \s0, \s(12, \s[12]
                    if (i < s.Length && s[i] is '+' or '-') i++;
                    if (i < s.Length && s[i] == '(') i = Math.Min(s.Length, i + 3);
                    else if (i < s.Length && s[i] == '[') { i++; Bracket(s, ref i); }
                    else while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
                    break;
                case 'h' or 'v' or 'w' or 'l' or 'L' or 'o' or 'D' or 'X' or 'Z' or 'b' or 'x' or 'N' or 'R' or 'S' or 'A' or 'B' or 'C':
                    if (i < s.Length && s[i] is char q && q is '\'' or '"' or '|') // a quoted argument: skip it
                    {
                        int end = s.IndexOf(q, i + 1);
                        i = end < 0 ? s.Length : end + 1;
                    }
                    break;
                default: break; // \& \c \: \% \| \^ \, \/ \) and unknown escapes produce nothing
            }
        }
        return sb.ToString();
    }

    static string Bracket(string s, ref int i)
    {
        int end = s.IndexOf(']', i);
        if (end < 0) { string rest = s[i..]; i = s.Length; return rest; }
        string name = s[i..end];
        i = end + 1;
        return name;
    }

    // A glyph name: uXXXX, a composite accent ('e, :u, ,c, /l), or a named glyph.
    static string Glyph(string name)
    {
        if (name.Length >= 5 && name[0] == 'u'
            && int.TryParse(name.AsSpan(1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int cp)
            && cp is < 0xD800 or > 0xDFFF)
            return char.ConvertFromUtf32(cp);
        if (name.Length == 2 && char.IsAsciiLetter(name[1]))
        {
            if (name[0] == '/') return name[1] switch { 'l' => "ł", 'L' => "Ł", 'o' => "ø", 'O' => "Ø", _ => name[1].ToString() };
            if (Accents.TryGetValue(name[0], out var accent))
            {
                int k = accent.Bases.IndexOf(name[1]);
                return k >= 0 ? accent.Composed[k].ToString() : name[1].ToString(); // an unlisted pair keeps its letter
            }
        }
        if (name.Length == 3 && name[1] == ' ' && char.IsAsciiLetter(name[0])) return name[0].ToString(); // "e aa" style, rare
        return Glyphs.TryGetValue(name, out var g) ? g : "";
    }
}
