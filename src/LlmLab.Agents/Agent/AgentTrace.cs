using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmLab.Agents.Agent;

/// <summary>
/// The JSONL trace of agent runs: one JSON object per line for each model turn (its text, the calls it asked for,
/// tokens, duration), each tool call (arguments, result, status, duration) and each run's end (answer, stop reason).
/// Lines are appended and flushed as they happen, so a run cut short still leaves its trace. Thread-safe (parallel
/// tool calls write concurrently). Owns its file.
/// </summary>
public sealed class AgentTrace : IDisposable
{
    readonly StreamWriter? _writer;
    readonly List<JsonObject> _events = [];
    readonly Lock _lock = new();

    // Readable non-ASCII text (é, ⏎) in the file; JSON escaping of quotes and control characters is kept.
    static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A trace kept in memory only.</summary>
    public AgentTrace() { }

    /// <summary>A trace appended to <paramref name="path"/> (created if missing).</summary>
    public AgentTrace(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
    }

    /// <summary>The file written, or null.</summary>
    public string? Path { get; }

    /// <summary>A copy of the events so far.</summary>
    public IReadOnlyList<JsonObject> Events
    {
        get { lock (_lock) return _events.Select(e => (JsonObject)e.DeepClone()).ToList(); }
    }

    /// <summary>Appends one event of <paramref name="type"/> (the object's other fields are the caller's).</summary>
    public void Write(string type, JsonObject fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var e = new JsonObject { ["type"] = type, ["time"] = DateTimeOffset.UtcNow.ToString("O") };
        foreach (var (k, v) in fields) e[k] = v?.DeepClone();
        lock (_lock)
        {
            _events.Add(e);
            _writer?.WriteLine(e.ToJsonString(Json));
        }
    }

    public void Dispose() => _writer?.Dispose();
}
