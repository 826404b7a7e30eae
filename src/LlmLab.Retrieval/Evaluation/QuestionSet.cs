using System.Text;
using System.Text.Json;
using LlmLab;

namespace LlmLab.Retrieval.Evaluation;

/// <summary>Reads and writes question sets (JSONL, one <see cref="EvalQuestion"/> a line). Thread-safe (stateless).</summary>
public static class QuestionSet
{
    /// <summary>Every question of <paramref name="path"/>; a malformed line is an <see cref="InputException"/> naming it.</summary>
    public static List<EvalQuestion> Load(string path)
    {
        if (!File.Exists(path)) throw new InputException($"{path}: no such question set (JSONL with \"question\", \"answer\", " +
            $"\"relevant\")");
        var list = new List<EvalQuestion>();
        int lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                var r = doc.RootElement;
                string q = r.GetProperty("question").GetString() ?? "";
                if (q.Trim().Length == 0) throw new FormatException("empty \"question\"");
                string a = r.TryGetProperty("answer", out var ae) && ae.ValueKind == JsonValueKind.String ? ae.GetString()! : "";
                var rel = r.GetProperty("relevant").EnumerateArray()
                    .Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText()).ToList();
                list.Add(new EvalQuestion(q, a, rel));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new InputException($"{path}:{lineNo}: {e.Message} (each line: {{\"question\": …, \"answer\": …, " +
                    $"\"relevant\": [source ids]}})");
            }
        }
        return list;
    }

    /// <summary>Writes <paramref name="questions"/> to <paramref name="path"/> (temporary file, then rename).</summary>
    public static void Save(string path, IEnumerable<EvalQuestion> questions)
    {
        var sb = new StringBuilder();
        foreach (var q in questions)
        {
            sb.Append(JsonSerializer.Serialize(new { question = q.Question, answer = q.Answer, relevant = q.Relevant })).Append('\n');
        }
        string tmp = path + ".tmp";
        File.WriteAllText(tmp, sb.ToString());
        File.Move(tmp, path, overwrite: true);
    }
}
