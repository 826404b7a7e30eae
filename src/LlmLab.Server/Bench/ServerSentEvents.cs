using System.Runtime.CompilerServices;

namespace LlmLab.Server.Bench;

/// <summary>Reads the <c>data:</c> payloads of a server-sent event stream (WHATWG HTML §9.2: events end at a blank
/// line; several data lines join with a newline; comments and other fields are skipped). Stateless.</summary>
public static class ServerSentEvents
{
    public static async IAsyncEnumerable<string> ReadDataAsync(Stream stream, [EnumeratorCancellation] CancellationToken ct = default)
    {
        using var reader = new StreamReader(stream);
        var data = new List<string>();
        while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Count > 0) yield return string.Join('\n', data);
                data.Clear();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal)) data.Add(line[5..].TrimStart(' '));
        }
        if (data.Count > 0) yield return string.Join('\n', data);
    }
}
