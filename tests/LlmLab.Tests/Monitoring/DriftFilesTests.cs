using LlmLab.Monitoring.Drift;
using LlmLab.Monitoring.Requests;

namespace LlmLab.Tests.Monitoring;

public class DriftFilesTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("llmlab-drift-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Captured_requests_become_features_and_the_reference_round_trips()
    {
        string path = Path.Combine(_dir, "req.jsonl");
        File.WriteAllLines(path,
        [
            """{"time":"2026-01-01T00:00:00Z","route":"/v1/chat/completions","model":"m","prompt":"What is the capital of France, and why is it famous?","reply":"I'm sorry, I cannot answer.","prompt_tokens":12,"completion_tokens":7,"latency_ms":35.5,"ttft_ms":4.1,"finish_reason":"stop"}""",
            "",
            """{"time":"2026-01-01T00:00:01Z","route":"/v1/completions","model":"m","prompt":"hi","reply":"hello there","prompt_tokens":2,"completion_tokens":3,"latency_ms":10,"ttft_ms":null,"finish_reason":"length"}""",
        ]);
        var table = DriftRecords.ReadJsonl(path);
        Assert.Equal(2, table.Rows);
        Assert.Equal(RequestFeatures.Columns, table.Columns.Select(c => c.Name));
        Assert.Equal([1.0, 0.0], table.Find("refusal")!.Numbers);
        Assert.Equal([35.5, 10], table.Find("latency_ms")!.Numbers);
        Assert.Equal("en", table.Find("language")!.Labels[0]);
        string refPath = Path.Combine(_dir, "ref.json");
        DriftReferenceFile.Save(table, refPath, "req.jsonl");
        var back = DriftReferenceFile.Load(refPath);
        Assert.Equal(table.Rows, back.Rows);
        foreach (var c in table.Columns)
            Assert.Equal(c.Keys(), back.Find(c.Name)!.Keys());
        Assert.DoesNotContain("capital", File.ReadAllText(refPath)); // features only, never the text
    }

    [Fact]
    public void Plain_records_become_columns_and_bad_lines_are_named()
    {
        string path = Path.Combine(_dir, "rows.jsonl");
        File.WriteAllLines(path, ["""{"x":1.5,"tier":"gold","flag":true}""", """{"x":null,"tier":"silver"}"""]);
        var t = DriftRecords.ReadJsonl(path);
        Assert.Equal(["x", "tier", "flag"], t.Columns.Select(c => c.Name));
        Assert.Equal([1.5], t.Find("x")!.Numbers);
        Assert.Equal(["true"], t.Find("flag")!.Labels);
        File.WriteAllLines(path, ["""{"x":1}""", """{"x":"one"}"""]);
        Assert.Contains(":2: field 'x'", Assert.Throws<InputException>(() => DriftRecords.ReadJsonl(path)).Message);
        File.WriteAllLines(path, ["not json"]);
        Assert.Contains(":1: not valid JSON", Assert.Throws<InputException>(() => DriftRecords.ReadJsonl(path)).Message);
        File.WriteAllText(path, """{"format":"something-else"}""");
        Assert.Contains("not a drift reference", Assert.Throws<InputException>(() => DriftReferenceFile.Load(path)).Message);
    }

    [Fact]
    public void Live_monitor_evaluates_the_last_window_only_and_refuses_foreign_columns()
    {
        var rng = new Random(5);
        RequestFeatures Req(int chars) => new(chars, 40, chars / 4, 10, 20 + rng.NextDouble(), false, "en");
        var reference = RequestFeatures.Table(Enumerable.Range(0, 200).Select(_ => Req(rng.Next(50, 150))).ToList());
        var monitor = new LiveDriftMonitor(reference, window: 100, minRequests: 30);
        Assert.Null(monitor.Evaluate());
        for (int i = 0; i < 100; i++) monitor.Add(Req(rng.Next(50, 150)));
        var calm = monitor.Evaluate()!;
        Assert.False(calm.Columns.Single(c => c.Column == "prompt_chars").Drifted);
        for (int i = 0; i < 100; i++) monitor.Add(Req(rng.Next(400, 600)));
        var shifted = monitor.Evaluate()!;
        Assert.True(shifted.Columns.Single(c => c.Column == "prompt_chars").Drifted);
        Assert.Equal(100, shifted.CurrentRows);
        var foreign = new DriftTable([DriftColumn.Numeric("temperature", [1, 2, 3])], 3);
        Assert.Contains("other columns", Assert.Throws<InputException>(() => new LiveDriftMonitor(foreign, 10, 5)).Message);
    }
}
