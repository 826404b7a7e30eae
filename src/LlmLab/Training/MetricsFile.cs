using System.Text.Json;
using LlmLab.Runtime;

namespace LlmLab.Training;

/// <summary>
/// A training run's <c>metrics.jsonl</c>: one JSON object per line, <c>{"kind":"step",…}</c> for each step
/// (<see cref="StepMetrics"/> in snake_case) and <c>{"kind":"eval",…}</c> for each evaluation. Each line is flushed as
/// it is written, so a killed run leaves every finished step on disk (at worst one cut last line). On resume the file
/// is rewritten atomically from the checkpoint's metrics, dropping steps the checkpoint does not cover. Not thread-safe.
/// </summary>
internal sealed class MetricsFile : IDisposable
{
    readonly string _path;
    StreamWriter? _writer;

    public MetricsFile(string path) => _path = path;

    public void Append(StepMetrics m) => Write(Line("step", m));

    public void Append(EvalMetrics e) => Write(Line("eval", e));

    /// <summary>Replaces the file with these records (a resumed run's history), atomically.</summary>
    public void Rewrite(IEnumerable<StepMetrics> steps, IEnumerable<EvalMetrics> evals)
    {
        _writer?.Dispose();
        _writer = null;
        var lines = steps.Select(s => (s.Step, Order: 0, Text: Line("step", s)))
            .Concat(evals.Select(e => (e.Step, Order: e.Step == 0 ? -1 : 1, Text: Line("eval", e))))
            .OrderBy(l => l.Step).ThenBy(l => l.Order).Select(l => l.Text);
        AtomicFile.WriteAllText(_path, string.Concat(lines.Select(l => l + "\n")));
    }

    static string Line<T>(string kind, T record)
    {
        var o = TrainingJson.ToObject(record);
        o.Insert(0, "kind", kind);
        return o.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    void Write(string line)
    {
        if (_writer is null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_path))!);
            _writer = new StreamWriter(new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read));
        }
        _writer.WriteLine(line);
        _writer.Flush();
    }

    public void Dispose() => _writer?.Dispose();
}
