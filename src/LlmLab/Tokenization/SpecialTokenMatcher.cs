using System.Buffers;

namespace LlmLab.Tokenization;

/// <summary>
/// Finds special tokens (<c>&lt;|endoftext|&gt;</c>…) in text: the leftmost occurrence of any, the longest one when
/// several start at the same place. A vectorised multi-string search (<see cref="SearchValues{T}"/>), so text without
/// special tokens costs one fast scan. Immutable and thread-safe.
/// </summary>
internal sealed class SpecialTokenMatcher
{
    readonly SearchValues<string> _values;
    readonly (string Text, int Id)[] _longestFirst;

    public SpecialTokenMatcher(IEnumerable<KeyValuePair<string, int>> specials)
    {
        _longestFirst = specials.Select(kv => (kv.Key, kv.Value))
            .OrderByDescending(s => s.Key.Length).ThenBy(s => s.Key, StringComparer.Ordinal).ToArray();
        _values = SearchValues.Create(_longestFirst.Select(s => s.Text).ToArray(), StringComparison.Ordinal);
    }

    public bool IsEmpty => _longestFirst.Length == 0;

    /// <summary>The first special token in <paramref name="text"/>: its index, length and id.</summary>
    public bool TryFind(ReadOnlySpan<char> text, out int index, out int length, out int id)
    {
        (index, length, id) = (-1, 0, -1);
        if (_longestFirst.Length == 0) return false;
        index = text.IndexOfAny(_values);
        if (index < 0) return false;
        var rest = text[index..];
        foreach (var (special, specialId) in _longestFirst)
            if (rest.StartsWith(special, StringComparison.Ordinal)) { (length, id) = (special.Length, specialId); return true; }
        return false; // unreachable: IndexOfAny found one of them here
    }
}
