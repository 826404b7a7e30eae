using System.Text.Json;
using Json.Schema;
using LlmLab.Agents.Agent;
using LlmLab.Agents.Tools;
using LlmLab.Alignment;
using LlmLab.Inference;
using LlmLab.Tokenization;
using Microsoft.Extensions.AI;

namespace LlmLab.Tests.Agents;

/// <summary>The agent-tools task family teaches lab 8.2's real tools: its tool list is what the adapter renders from the
/// toolbox's JSON schemas, every call it trains on fits the called tool's schema and runs, and no request is one of
/// 8.2's evaluation tasks.</summary>
public sealed class AgentToolsFamilyTests : IDisposable
{
    readonly string _root = Path.Combine(Path.GetTempPath(), $"llmlab-agent-family-{Guid.NewGuid():N}");
    readonly SampleWorkspace _ws;

    public AgentToolsFamilyTests() => _ws = SampleWorkspace.Create(_root);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    static SyntheticDataset Data() => SyntheticDataset.Generate([TaskFamilies.ByName("agent_tools")],
        new SyntheticDataOptions(TrainPerFamily: 300, TestPerFamily: 60, Difficulty: 3, Seed: 4));

    [Fact]
    public void Its_tool_list_is_the_adapters_rendering_of_the_toolbox()
    {
        var tools = _ws.Tools(); // no index here: search_documents is held to the real schema by lab 8.2's own check
        Assert.Equal(ToolCallChatClient.ToolList(tools),
            ToolCallFormat.ToolList(AgentToolsFamily.Tools.Where(t => tools.Any(f => f.Name == t.Name))));
        Assert.Equal(tools.Count + 1, AgentToolsFamily.Tools.Count);
        Assert.DoesNotContain("agent_tools", TaskFamilies.All.Select(f => f.Name));     // "all" stays lab 7.1's six
    }

    [Fact]
    public async Task Every_call_fits_its_tools_schema_and_runs()
    {
        var tools = _ws.Tools(TimeProvider.System).ToDictionary(t => t.Name);
        var family = TaskFamilies.ByName("agent_tools");
        var data = Data();
        int ran = 0;
        foreach (var x in data.Train.Concat(data.Test))
        {
            var call = Assert.IsType<FunctionCallContent>(x.Messages[^1].Contents.Single());
            Assert.StartsWith("Tools: ", x.Messages[0].Text);
            Assert.Contains(call.Name + "(", x.Messages[0].Text);                              // the right tool is offered
            Assert.True(family.Check(x.ReferenceText, x.ReferenceText).Correct);
            Assert.True(family.Check(x.ReferenceText, ChatTokens.ToolCall + ChatTemplate.ToolCallJson(call)).Correct);
            if (!tools.TryGetValue(call.Name, out var tool)) continue;                          // search_documents: no index here
            using var args = JsonDocument.Parse(JsonSerializer.Serialize(call.Arguments));
            var result = JsonSchema.FromText(tool.JsonSchema.GetRawText()).Evaluate(args.RootElement);
            Assert.True(result.IsValid, $"{call.Name} {args.RootElement.GetRawText()} does not fit {tool.JsonSchema.GetRawText()}");
            if (call.Name == "read_file") continue;                                            // the notes it names need not exist
            var output = await tool.InvokeAsync(new AIFunctionArguments(call.Arguments));     // the tool accepts it (no InputException)
            Assert.NotNull(output);
            ran++;
        }
        Assert.True(ran > 200, $"{ran} calls ran");
    }

    [Fact]
    public void No_request_is_a_lab_8_2_task_and_a_wrong_call_is_graded_wrong()
    {
        var requests = AgentTaskSet.Create(_ws.Database, withRetrieval: true).Select(t => t.Request).ToHashSet();
        var data = Data();
        Assert.DoesNotContain(data.Train.Concat(data.Test), x => requests.Contains(x.UserText));
        var family = TaskFamilies.ByName("agent_tools");
        string reference = data.Test[0].ReferenceText;
        Assert.False(family.Check(reference, ChatTokens.ToolCall + """{"name":"nope","arguments":{}}""").Correct);
        Assert.False(family.Check(reference, "It is 42.").FormatValid);
    }
}
