using System.Text.Json.Nodes;
using LlmLab.Agents.Prompts;
using LlmLab.Tests.Server;
using Microsoft.Extensions.AI;

namespace LlmLab.Tests.Agents;

/// <summary>The evaluation loop over scripted models (known replies), the CLI's two verbs end to end, and the
/// OpenAI-compatible provider against our own server.</summary>
public sealed class PromptEvaluatorTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-prompts-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    static KeyValuePair<string, IChatClient> Scripted(string id, Func<string, string> reply, int delay = 0) =>
        KeyValuePair.Create(id, (IChatClient)new ScriptedChatClient(m => (reply(m[^1].Text), delay), id));

    [Fact]
    public void Messages_carry_system_examples_format_and_reasoning()
    {
        var suite = PromptSuiteReader.Parse(PromptSuiteTemplate.Text, "p.yaml");
        var m = suite.Variants[1].Messages(suite.Tests[0]);
        Assert.Equal([ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.User], m.Select(x => x.Role));
        Assert.Equal("What is 17 + 25?\nReply with the number only.", m[^1].Text);
        var r = suite.Variants[2].Messages(suite.Tests[0]);
        Assert.EndsWith(PromptVariant.ReasoningInstruction, r[^1].Text);
        Assert.Equal("42", suite.Variants[2].Answer("17 + 25: 17 + 20 = 37, + 5 = 42.\n\n42\n"));
    }

    [Fact]
    public void The_matrix_follows_known_replies()
    {
        var suite = PromptSuiteReader.Parse(PromptSuiteTemplate.Text, "p.yaml");
        var right = Scripted("right", q => q.Contains("17 + 25", StringComparison.Ordinal) ? "42" : """{"name": "Ada Lovelace", "age": 36}""");
        var chatty = Scripted("chatty", q => q.Contains("17 + 25",
            StringComparison.Ordinal) ? "It is 42." : "Sure: {\"name\": \"Ada Lovelace\", \"age\": 36}");
        var r = PromptEvaluator.Run(suite, [right, chatty]);
        Assert.Equal(2 * 3 * 2, r.Cells.Count);
        Assert.True(r.Cells.Where(c => c.Provider == "right").All(c => c.Passed), PromptMatrix.Text(r));
        // chatty: equals and regex fail on "It is 42." (contains, task, latency and cost pass); the JSON is not a whole document.
        var add = r.Cell("chatty", "plain", "add");
        Assert.Equal([false, true, false, true, true, true], add.Outcomes.Select(o => o.Passed));
        Assert.Equal([false, true], r.Cell("chatty", "plain", "extract").Outcomes.Select(o => o.Passed));
        Assert.Equal(0, r.PassRate("chatty", "plain"));
        // Scripted usage: words of the prompt and of the reply.
        Assert.Equal(5, add.InputTokens); // "What is 17 + 25?"
        Assert.Equal(3, add.OutputTokens);
        Assert.Contains("FAIL", PromptMatrix.Text(r));
    }

    [Fact]
    public void A_failing_call_fails_its_cell_and_latency_is_measured()
    {
        var suite = PromptSuiteReader.Parse(PromptSuiteTemplate.Text, "p.yaml");
        var broken = KeyValuePair.Create("broken", (IChatClient)new ScriptedChatClient(_
            => throw new HttpRequestException("connection refused")));
        var slow = Scripted("slow", q => "42", delay: 120);
        var r = PromptEvaluator.Run(suite with { Tests = [suite.Tests[0]], Variants = [suite.Variants[0]] }, [broken, slow]);
        Assert.Equal("connection refused", r.Cell("broken", "plain", "add").Error);
        Assert.Equal("ERROR", PromptMatrix.Mark(r.Cell("broken", "plain", "add")));
        // .NET's timers may fire up to a tick (~1 ms, coarser under load) before the Stopwatch says 120 ms have passed:
        // the claim is that the delay is inside the measured latency, not its exact value.
        Assert.True(r.Cell("slow", "plain", "add").LatencyMs >= 100, $"{r.Cell("slow", "plain", "add").LatencyMs} ms");
    }

    [Fact]
    public void Cli_new_then_eval_passes_and_writes_the_report()
    {
        string file = Path.Combine(_root, "p.yaml"), outDir = Path.Combine(_root, "report");
        var (code, stdout, err) = CliRun.Run("prompts", "new", file);
        Assert.True(code == 0, err);
        (code, stdout, err) = CliRun.Run("prompts", "eval", file, "--out", outDir);
        Assert.True(code == 0, stdout + err);
        Assert.Contains("variant \\ test  add   extract  passed", stdout);
        Assert.Contains("few-shot        pass  pass     2/2", stdout);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")))!;
        Assert.Equal(6, json["passed"]!.GetValue<int>());
        Assert.Contains("Provider reference", File.ReadAllText(Path.Combine(outDir, "report.html")));
        Assert.True(File.Exists(Path.Combine(outDir, "report.md")));
        (code, _, err) = CliRun.Run("prompts", "new", file);
        Assert.Equal(2, code);
        Assert.Contains("--force", err);
    }

    [Fact]
    public void Cli_eval_exits_1_when_a_cell_fails()
    {
        string file = Path.Combine(_root, "p.yaml");
        File.WriteAllText(file, PromptSuiteTemplate.Text.Replace("reply: \"42\"", "reply: \"41\"", StringComparison.Ordinal));
        var (code, stdout, _) = CliRun.Run("prompts", "eval", file, "--out", Path.Combine(_root, "r"));
        Assert.Equal(1, code);
        Assert.Contains("plain           FAIL  pass     1/2", stdout);
    }

    [Fact]
    public async Task The_openai_provider_talks_to_an_openai_compatible_server()
    {
        await using var server = await TestServer.StartAsync();
        string? saved = Environment.GetEnvironmentVariable(LlmLab.Retrieval.Answering.OpenAiCompatible.ApiKeyVariable);
        Environment.SetEnvironmentVariable(LlmLab.Retrieval.Answering.OpenAiCompatible.ApiKeyVariable, TestServer.Key);
        try
        {
            using var provider = PromptProvider.Open(ProviderSpec.Parse("openai:" + LlmLab.Server.DemoModel.ModelId), new Uri(server.Base,
                "v1").ToString());
            var suite = PromptSuiteReader.Parse("""
                options: { max_tokens: 5 }
                prompts: [{ id: p, user: "hi" }]
                tests: [{ id: t, assert: [{ type: cost, max_tokens: 1000 }, { type: latency, max_ms: 60000 }] }]
                """, "s.yaml");
            var r = PromptEvaluator.Run(suite, [KeyValuePair.Create(provider.Id, provider.Client)]);
            var cell = Assert.Single(r.Cells);
            Assert.True(cell.Passed, cell.Error + string.Join(";", cell.Outcomes.Select(o => o.Detail)));
            Assert.Equal(5, cell.OutputTokens);
            Assert.True(cell.InputTokens > 0);
        }
        finally
        {
            Environment.SetEnvironmentVariable(LlmLab.Retrieval.Answering.OpenAiCompatible.ApiKeyVariable, saved);
        }
    }
}
