using System.Collections.Concurrent;

namespace LlmLab.Text;

/// <summary>
/// The "skip and count" policy for malformed JSON Lines: a <see cref="JsonlSource"/> given a log skips a bad line
/// (not JSON, not an object, no string text field) and records it here instead of stopping with an
/// <see cref="InputException"/>. A line is counted once however many times the corpus is read.
/// </summary>
/// <remarks>Thread-safe: several enumerations may record at once.</remarks>
public sealed class BadLineLog
{
    /// <summary>Messages kept for display; the count covers every bad line.</summary>
    public const int MaxExamples = 10;

    readonly ConcurrentDictionary<(string File, int Line), string> _lines = new();

    /// <summary>Distinct bad lines seen so far.</summary>
    public int Count => _lines.Count;

    /// <summary>Up to <see cref="MaxExamples"/> messages, in file and line order (each names the file and line).</summary>
    public IReadOnlyList<string> Examples =>
        _lines.OrderBy(kv => kv.Key.File, StringComparer.Ordinal).ThenBy(kv => kv.Key.Line).Take(MaxExamples).Select(kv => kv.Value)
            .ToList();

    internal void Record(string file, int line, string message) => _lines.TryAdd((file, line), message);
}
