using System.Text.Json;

namespace LlmLab.Monitoring.Requests;

/// <summary>
/// Appends served requests to a JSONL file, one <see cref="RequestRecord"/> a line (<c>llmlab serve --capture-requests
/// FILE</c>). It stores prompts and replies in clear text, so it is off unless asked for; an existing file is appended
/// to, never truncated. Each line is flushed as written, so a killed server loses at most the line in progress.
/// Thread-safe; dispose it after the server.
/// </summary>
public sealed class RequestCapture : IDisposable
{
    readonly StreamWriter _writer;
    readonly Lock _gate = new();
    bool _disposed;

    RequestCapture(StreamWriter writer, string path) => (_writer, Path) = (writer, path);

    /// <summary>The file written.</summary>
    public string Path { get; }

    /// <summary>Records written so far.</summary>
    public long Count { get; private set; }

    /// <summary>Opens <paramref name="path"/> for appending (created if absent).</summary>
    /// <exception cref="InputException">The folder does not exist, the path is a folder, or it cannot be written.</exception>
    public static RequestCapture Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path)) throw new InputException($"--capture-requests '{path}' is a folder: give a file name (e.g. requests.jsonl)");
        try
        {
            var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
            return new RequestCapture(new StreamWriter(stream, new System.Text.UTF8Encoding(false)), path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"--capture-requests '{path}' cannot be written: {e.Message}");
        }
    }

    /// <summary>Appends one record.</summary>
    public void Write(RequestRecord record)
    {
        string line = JsonSerializer.Serialize(record);
        lock (_gate)
        {
            if (_disposed) return; // a request finishing during shutdown
            _writer.Write(line);
            _writer.Write('\n');
            _writer.Flush();
            Count++;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _writer.Dispose();
        }
    }
}
