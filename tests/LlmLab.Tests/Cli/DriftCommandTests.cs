using System.Text.Json;
using LlmLab.Monitoring.Requests;

namespace LlmLab.Tests.Cli;

public sealed class DriftCommandTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("llmlab-drift-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string Capture(string name, int n, int minWords, int maxWords, int seed)
    {
        var rng = new Random(seed);
        string[] words = ["the", "server", "answers", "questions", "about", "dotnet", "types", "and", "their", "methods"];
        var lines = Enumerable.Range(0, n).Select(i =>
        {
            string prompt = string.Join(' ', Enumerable.Range(0, rng.Next(minWords, maxWords)).Select(_ => words[rng.Next(words.Length)]));
            var r = new RequestRecord(DateTimeOffset.UnixEpoch.AddSeconds(i), "/v1/chat/completions", "m", prompt, "a reply of some words",
                prompt.Length / 4, 6, 20 + rng.NextDouble() * 5, 3, "stop");
            return JsonSerializer.Serialize(r);
        });
        string path = Path.Combine(_dir, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void Reference_then_check_flags_longer_prompts_and_writes_the_html_report()
    {
        string reference = Capture("ref.jsonl", 200, 5, 15, 1), same = Capture("same.jsonl", 150, 5, 15, 2), longer = Capture("long.jsonl", 150, 20, 40, 3);
        string refJson = Path.Combine(_dir, "ref.json"), html = Path.Combine(_dir, "r.html");
        var (code, stdout, err) = CliRun.Run("drift", "reference", "--from", reference, "--out", refJson);
        Assert.True(code == 0, err);
        Assert.Contains("200 rows", stdout);

        (code, stdout, err) = CliRun.Run("drift", "check", "--reference", refJson, "--current", same, "--report", html);
        Assert.True(code == 0, err);
        Assert.Contains("dataset drift: no", stdout);
        Assert.Matches(@"prompt_chars\s+ks\s+p = \S+\s+ok", stdout);

        (code, stdout, err) = CliRun.Run("drift", "check", "--reference", refJson, "--current", longer, "--report", html);
        Assert.True(code == 0, err);
        Assert.Matches(@"prompt_chars\s+ks\s+p = \S+\s+DRIFT", stdout);
        Assert.Matches(@"prompt_tokens\s+ks\s+p = \S+\s+DRIFT", stdout);
        string page = File.ReadAllText(html);
        Assert.Contains("<table>", page);
        Assert.Contains("prompt_chars", page);
        Assert.Contains("DRIFT", page);
        Assert.DoesNotContain("questions about", File.ReadAllText(refJson)); // the reference keeps features, not prompts
    }
}
