using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmLab.Text;

/// <summary>
/// The one reader of the project's strict JSONL inputs (chat data, preference pairs, drift records): one JSON object a
/// line, blank lines skipped, and every error one line that starts with "file:line". The format of each object is the
/// caller's.
/// </summary>
public static class JsonlLines
{
    /// <summary>Every non-blank line of <paramref name="path"/> parsed by <paramref name="parse"/>(line, "file:line").</summary>
    /// <param name="path">The file.</param>
    /// <param name="what">What the file is, for the errors ("chat data file").</param>
    /// <param name="parse">One line → one item; throws <see cref="InputException"/> starting with its second argument.</param>
    /// <param name="emptyHint">Said after "holds no …" when the file has no item (what a line must hold).</param>
    /// <exception cref="InputException">A missing file, a bad line, or no item.</exception>
    public static IReadOnlyList<T> ReadAll<T>(string path, string what, Func<string, string, T> parse, string emptyHint)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (!File.Exists(path)) throw new InputException($"{what} '{path}' does not exist");
        var list = new List<T>();
        int lineNo = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            list.Add(parse(line, $"{path}:{lineNo}"));
        }
        if (list.Count == 0) throw new InputException($"{what} '{path}' {emptyHint}");
        return list;
    }

    /// <summary>One line as a JSON object.</summary>
    /// <param name="line">The line.</param>
    /// <param name="where">"file:line", the start of every error.</param>
    /// <param name="shape">What an object must look like, for the error when the line holds something else.</param>
    /// <exception cref="InputException">Not JSON, or not an object.</exception>
    public static JsonObject Object(string line, string where, string shape)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(line); }
        catch (JsonException e) { throw new InputException($"{where}: not valid JSON ({e.Message.Split('.')[0]})"); }
        return root as JsonObject ?? throw new InputException($"{where}: each line must be a JSON object {shape}");
    }
}
