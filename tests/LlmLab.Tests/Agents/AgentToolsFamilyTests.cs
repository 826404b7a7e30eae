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
/// toolbox's JSON schemas, every call it trains on fits the called tool's schema and runs, each result in a conversation
/// is the tool's real output, the answer after it is graded by its values, tool results are not trained on, and no
/// request is one of 8.2's evaluation tasks.</summary>
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

    static SyntheticDataset Data(TaskFamily? family = null) => SyntheticDataset.Generate([family ?? TaskFamilies.ByName("agent_tools")],
        new SyntheticDataOptions(TrainPerFamily: 300, TestPerFamily: 60, Difficulty: 3, Seed: 4));

    IReadOnlyList<AIFunction> FixedTools() => _ws.Tools(new FixedClock(AgentTaskSet.Now));

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
        var data = Data();                                                  // no tools attached: every conversation stops at its first turn
        int ran = 0;
        foreach (var x in data.Train.Concat(data.Test))
        {
            Assert.StartsWith("Tools: ", x.Messages[0].Text);
            Assert.Equal(3, x.Messages.Count);
            if (x.Messages[^1].Contents.OfType<FunctionCallContent>().SingleOrDefault() is not { } call)
            {
                Assert.DoesNotContain(ChatTokens.ToolCall, x.ReferenceText);                  // no tool needed: a text reply
                continue;
            }
            Assert.Contains(call.Name + "(", x.Messages[0].Text);                              // the right tool is offered
            if (!tools.TryGetValue(call.Name, out var tool)) continue;                          // search_documents: no index here
            using var args = JsonDocument.Parse(JsonSerializer.Serialize(call.Arguments));
            var result = JsonSchema.FromText(tool.JsonSchema.GetRawText()).Evaluate(args.RootElement);
            Assert.True(result.IsValid, $"{call.Name} {args.RootElement.GetRawText()} does not fit {tool.JsonSchema.GetRawText()}");
            if (call.Name == "read_file") continue;                                            // the notes it names need not exist
            var output = await tool.InvokeAsync(new AIFunctionArguments(call.Arguments));     // the tool accepts it (no InputException)
            Assert.NotNull(output);
            ran++;
        }
        Assert.True(ran > 180, $"{ran} calls ran");
    }

    [Fact]
    public async Task With_its_tools_a_conversation_goes_call_result_answer_and_the_results_are_the_tools_own()
    {
        var tools = FixedTools();
        var byName = tools.ToDictionary(t => t.Name);
        var family = AgentToolsData.Family(tools);
        var data = Data(family);
        int single = 0, twoCalls = 0, direct = 0, errors = 0, unrun = 0;
        foreach (var x in data.Train.Concat(data.Test))
        {
            var turns = x.Messages.Skip(2).ToList();                                         // after the tool list and the request
            var calls = turns.SelectMany(m => m.Contents.OfType<FunctionCallContent>()).ToList();
            if (turns.Count == 1 && calls.Count == 1 && x.Messages[0].Text.Contains("search_documents(", StringComparison.Ordinal))
            {
                unrun++;                                                                     // no index here: a search cannot run,
                continue;                                                                    // so the conversation ends at its first call
            }
            Assert.Equal(ChatRole.Assistant, turns[^1].Role);
            Assert.Null(ToolCallFamily.Parse(x.ReferenceText));                               // the last turn is an answer, never a call
            if (calls.Count == 0) { direct++; Assert.Single(turns); continue; }
            Assert.Equal(2 * calls.Count + 1, turns.Count);                                   // (call, result) per request, then the answer
            for (int i = 0; i < calls.Count; i++)
            {
                Assert.Equal(ChatRole.Assistant, turns[2 * i].Role);
                var result = Assert.IsType<FunctionResultContent>(turns[2 * i + 1].Contents.Single());
                Assert.Equal(calls[i].CallId, result.CallId);
                // The result is what the tool itself returns now (or the loop's error text for what it refuses).
                var (status, text) = await ToolInvocation.RunAsync(byName[calls[i].Name], new AIFunctionArguments(calls[i].Arguments),
                    offThread: false, CancellationToken.None);
                Assert.Equal(text, result.Result);
                if (status == "error") errors++;
                Assert.True(AgentToolsAnswers.Holds(x.ReferenceText, ValuesOf(text, calls[i])),
                    $"the answer '{x.ReferenceText}' does not state the result '{text}'");
            }
            if (calls.Count == 1) single++; else twoCalls++;
            Assert.True(family.Check(x.ReferenceText, x.ReferenceText).Correct);
        }
        int n = data.Train.Count + data.Test.Count;
        Assert.True(single > n / 2 && twoCalls > n / 10 && direct > n / 20,
            $"{single} single, {twoCalls} two-call, {direct} direct of {n}");
        Assert.True(errors > 0 && errors < n / 4, $"{errors} tool errors");                // missing notes: the answer reports it
        Assert.True(unrun < n / 4, $"{unrun} conversations ended at a call");
    }

    /// <summary>The part of a tool's output an answer must carry: the first row's cell of an SQL result, the output
    /// itself otherwise (a weekday, a number, a date; a file's or an error's text).</summary>
    static string ValuesOf(string output, FunctionCallContent call) =>
        call.Name == "sql_query" && !output.StartsWith("error:", StringComparison.Ordinal) ? AgentTaskSet.Cell(output)
        : call.Name == "current_time" ? output[..16] : call.Name == "list_files" ? "" : output;

    [Fact]
    public void An_answer_is_graded_by_its_values_and_a_call_by_tool_and_arguments()
    {
        var family = TaskFamilies.ByName("agent_tools");
        const string reference = "2024-11-15 was a Friday. In Paris it is 2026-06-15 14:00. 17 * 3 + 2 = 53.";
        Assert.True(family.Check(reference, "Friday (2024-11-15); Paris: 14:00 on 2026-06-15; 17*3+2 is 53.0").Correct);
        Assert.False(family.Check(reference, "2024-11-15 was a Thursday. In Paris it is 2026-06-15 14:00. 17 * 3 + 2 = 53.").Correct);
        Assert.False(family.Check(reference, "2024-11-15 was a Friday. In Paris it is 2026-06-15 14:00. 17 * 3 + 2 = 54.").Correct);
        var asCall = family.Check(reference, ChatTokens.ToolCall + """{"name":"day_of_week","arguments":{"date":"2024-11-15"}}""");
        Assert.False(asCall.Correct);
        Assert.False(asCall.FormatValid);                                                    // a call where an answer was due
        Assert.True(family.Check("You are welcome.", "No problem!").Correct);                // nothing to state: any text, no call
        Assert.False(family.Check("You are welcome.", ChatTokens.ToolCall + """{"name":"list_files","arguments":{}}""").Correct);
        Assert.Equal(new[] { "2024-11-15", "Friday" }, AgentToolsAnswers.Values("Friday? It was 2024-11-15, a Friday."));
    }

    [Fact]
    public void Tool_results_are_context_and_the_assistants_turns_are_trained()
    {
        var data = Data(AgentToolsData.Family(FixedTools()));
        var tokenizer = BpeTokenizer.Train(
            data.Train.Take(80).SelectMany(x => x.Messages).Select(m => m.Text + SyntheticExample.ReplyText(m)),
            new BpeTrainingOptions(VocabSize: 320, Name: "agent-mask-test")).WithChatTokens();
        int checkedResults = 0;
        foreach (var x in data.Train.Where(x => x.Messages.Any(m => m.Role == ChatRole.Tool)).Take(40))
        {
            for (int i = 0; i < x.Messages.Count; i++)
            {
                int start = i == 0 ? 0 : ChatTemplate.Chat.Encode(x.Messages.Take(i), tokenizer, addGenerationPrompt: false).Ids.Length;
                var upTo = ChatTemplate.Chat.Encode(x.Messages.Take(i + 1), tokenizer, addGenerationPrompt: false);
                var span = upTo.Assistant.Skip(start).ToList();
                Assert.NotEmpty(span);
                if (x.Messages[i].Role == ChatRole.Assistant) Assert.All(span.Skip(1), b => Assert.True(b));   // all but its opening marker
                else Assert.All(span, b => Assert.False(b));                                           // system, user, tool result: context
                if (x.Messages[i].Role == ChatRole.Tool) checkedResults++;
            }
        }
        Assert.True(checkedResults >= 40, $"{checkedResults} results checked");
    }

    [Fact]
    public void No_request_is_a_lab_8_2_task_and_a_wrong_call_is_graded_wrong()
    {
        var requests = AgentTaskSet.Create(_ws.Database, withRetrieval: true).Select(t => t.Request).ToHashSet();
        var data = Data();
        Assert.DoesNotContain(data.Train.Concat(data.Test), x => requests.Contains(x.UserText));
        var family = TaskFamilies.ByName("agent_tools");
        string reference = data.Test.First(x => x.Messages[^1].Contents.OfType<FunctionCallContent>().Any()).ReferenceText;
        Assert.False(family.Check(reference, ChatTokens.ToolCall + """{"name":"nope","arguments":{}}""").Correct);
        Assert.False(family.Check(reference, "It is 42.").FormatValid);
    }
}
