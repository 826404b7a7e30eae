namespace LlmLab.Inference;

/// <summary>
/// Finds stop strings in streamed text, across token boundaries, and holds back the tail of the text that could still
/// become one (so a client never receives the start of a stop string that is then cut). Push text as it is decoded;
/// each call returns the text that is now safe to emit and whether a stop string was found (the returned text then ends
/// just before it, and everything after is dropped). Not thread-safe (one per sequence).
/// </summary>
public sealed class StopSequenceMatcher
{
    readonly string[] _stops;
    readonly int _longest;
    string _pending = "";

    public StopSequenceMatcher(IEnumerable<string>? stops)
    {
        _stops = stops?.Where(s => s.Length > 0).Distinct().ToArray() ?? [];
        _longest = _stops.Length == 0 ? 0 : _stops.Max(s => s.Length);
    }

    /// <summary>True once a stop string was found; later pushes return nothing.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Adds decoded text; returns the text safe to emit now.</summary>
    public (string Emit, bool Stopped) Push(string text)
    {
        if (Stopped) return ("", true);
        if (_stops.Length == 0) return (text, false);
        _pending += text;
        int first = -1;
        foreach (var s in _stops)
        {
            int at = _pending.IndexOf(s, StringComparison.Ordinal);
            if (at >= 0 && (first < 0 || at < first)) first = at;
        }
        if (first >= 0)
        {
            Stopped = true;
            string before = _pending[..first];
            _pending = "";
            return (before, true);
        }
        int keep = HeldTail();
        string emit = _pending[..^keep];
        _pending = _pending[^keep..];
        return (emit, false);
    }

    /// <summary>The held text, at the end of a generation that stopped for another reason.</summary>
    public string Flush()
    {
        string rest = Stopped ? "" : _pending;
        _pending = "";
        return rest;
    }

    /// <summary>Length of the longest suffix of the pending text that is a proper prefix of some stop string.</summary>
    int HeldTail()
    {
        for (int n = Math.Min(_longest - 1, _pending.Length); n > 0; n--)
        {
            var tail = _pending.AsSpan(_pending.Length - n);
            foreach (var s in _stops)
                if (s.Length > n && s.AsSpan(0, n).SequenceEqual(tail)) return n;
        }
        return 0;
    }
}
