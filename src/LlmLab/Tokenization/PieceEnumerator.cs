using System.Text.RegularExpressions;

namespace LlmLab.Tokenization;

/// <summary>
/// The pieces of a text, as <see cref="PreTokenizer.Split"/> finds them, one at a time: a <c>foreach</c> over slices
/// of the text, with nothing allocated. A ref struct: use it where it was made, on one thread.
/// </summary>
public ref struct PieceEnumerator
{
    readonly ReadOnlySpan<char> _text;
    readonly PreTokenizer.Kind _kind;
    Regex.ValueMatchEnumerator _matches;
    int _start, _end;

    internal PieceEnumerator(ReadOnlySpan<char> text, PreTokenizer.Kind kind, Regex? regex)
    {
        _text = text;
        _kind = kind;
        _matches = regex is null ? default : regex.EnumerateMatches(text);
        _start = _end = 0;
    }

    /// <summary>The current piece.</summary>
    public readonly ReadOnlySpan<char> Current => _text[_start.._end];

    /// <summary>Where the current piece starts in the text.</summary>
    public readonly int Index => _start;

    /// <summary>Returns this enumerator (for <c>foreach</c>).</summary>
    public readonly PieceEnumerator GetEnumerator() => this;

    /// <summary>Moves to the next piece; false after the last.</summary>
    public bool MoveNext()
    {
        if (_kind == PreTokenizer.Kind.Regex)
        {
            if (!_matches.MoveNext()) return false;
            (_start, _end) = (_matches.Current.Index, _matches.Current.Index + _matches.Current.Length);
            return true;
        }
        if (_end >= _text.Length) return false;
        _start = _end;
        _end = _kind switch
        {
            PreTokenizer.Kind.Gpt2 => TiktokenSplit.NextGpt2(_text, _start),
            PreTokenizer.Kind.Cl100k => TiktokenSplit.NextCl100k(_text, _start),
            _ => _text.Length, // none: the whole text
        };
        return true;
    }
}
