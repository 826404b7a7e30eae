using System.Text.Json.Nodes;

namespace LlmLab.Tests.Cli;

/// <summary>Ctrl-C during <c>labs run</c> (a real process, a real SIGINT): exit 130, one stderr line saying where the
/// results are, and the running lab recorded as interrupted in its result.json and on the index page.</summary>
public sealed class LabsInterruptTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-labs-int-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Ctrl_C_marks_the_running_lab_interrupted_and_exits_130()
    {
        // Lab 6 asked for far more steps than it will get: the signal lands while it runs, on a loaded machine too.
        using var p = new CliProcess("labs", "run", "6", "2.1", "--profile", "smoke", "--runs", _root, "--set", "6:steps=100000");
        p.WaitForOutput("lab 6 |", TimeSpan.FromSeconds(120)); // lab 6 (pretraining) has started
        p.Interrupt();
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(60)) == 130, p.Err);
        string[] lines = p.Err.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1 && lines[0].StartsWith("interrupted: lab 6 marked interrupted", StringComparison.Ordinal), p.Err);
        Assert.Contains("to finish: llmlab labs run 6 2.1", lines[0]);

        string run = Assert.Single(Directory.GetDirectories(_root));
        string lab = Assert.Single(Directory.GetDirectories(run));
        var result = JsonNode.Parse(File.ReadAllText(Path.Combine(lab, "result.json")))!;
        Assert.Equal("interrupted", (string?)result["status"]);
        Assert.Contains("interrupted", File.ReadAllText(Path.Combine(lab, "report.md")));
        Assert.Contains("interrupted", File.ReadAllText(Path.Combine(run, "index.html")));
        Assert.Empty(Directory.GetFiles(lab, ".*.tmp"));
    }
}
