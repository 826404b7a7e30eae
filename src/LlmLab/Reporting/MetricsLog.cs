using System.Text.Json;

namespace LlmLab.Reporting;

/// <summary>
/// metrics.jsonl: one JSON object per line, appended and flushed as it is logged, so a run that dies keeps every
/// line written before. Thread-safe.
/// </summary>
public sealed class MetricsLog : IDisposable
{
    static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // NaN and ±∞ are legitimate measurements (an overflowing loss): written as "NaN", "Infinity", "-Infinity".
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
    readonly StreamWriter _writer;
    readonly object _gate = new();

    public MetricsLog(string path)
    {
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
    }

    /// <summary>Appends one record (an anonymous object or a dictionary).</summary>
    public void Log(object record)
    {
        string line = JsonSerializer.Serialize(record, record.GetType(), Options);
        lock (_gate) _writer.WriteLine(line);
    }

    public void Dispose() { lock (_gate) _writer.Dispose(); }
}
