using System.Text;

namespace LlmLab.Text;

/// <summary>
/// Builds clean prose from pieces of marked-up text: runs of whitespace become one space, breaks are asked for
/// (line or paragraph) and written lazily before the next words, so no leading, trailing or doubled breaks appear.
/// Verbatim blocks (multi-line code) keep their lines.
/// </summary>
internal sealed class ProseWriter
{
    readonly StringBuilder _sb = new();
    int _pendingBreak; // 0 none, 1 line, 2 paragraph

    public bool IsEmpty => _sb.Length == 0;

    /// <summary>The last character written, or '\0'.</summary>
    public char LastChar => _sb.Length == 0 ? '\0' : _sb[^1];

    /// <summary>Words; a blank line inside the text (two line breaks in one run of whitespace) is a paragraph break.</summary>
    public void Text(string text)
    {
        int newlines = 0;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                if (c == '\n') newlines++;
                // A space only between words: never at the start, after a break, or after another space.
                if (_sb.Length > 0 && _pendingBreak == 0 && _sb[^1] != ' ' && _sb[^1] != '\n') _sb.Append(' ');
                continue;
            }
            if (newlines >= 2) Break(paragraph: true);
            newlines = 0;
            FlushBreak();
            _sb.Append(c);
        }
        if (newlines >= 2) Break(paragraph: true);
    }

    public void Break(bool paragraph) => _pendingBreak = Math.Max(_pendingBreak, paragraph ? 2 : 1);

    /// <summary>A block whose lines are kept (code), with common indentation removed; set apart as a paragraph.</summary>
    public void Verbatim(string block)
    {
        var lines = block.ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[0].Length == 0) lines.RemoveAt(0);
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        if (lines.Count == 0) return;
        int indent = lines.Where(l => l.Length > 0).Min(l => l.Length - l.TrimStart().Length);
        Break(paragraph: true);
        FlushBreak();
        _sb.AppendJoin('\n', lines.Select(l => l.Length >= indent ? l[indent..] : l));
        Break(paragraph: true);
    }

    void FlushBreak()
    {
        if (_pendingBreak == 0) return;
        if (_sb.Length > 0)
        {
            while (_sb.Length > 0 && _sb[^1] == ' ') _sb.Length--;
            _sb.Append(_pendingBreak == 2 ? "\n\n" : "\n");
        }
        _pendingBreak = 0;
    }

    public override string ToString() => _sb.ToString().TrimEnd();
}
