using LlmLab.Agents.Agent;
using LlmLab.Agents.Tools;
using LlmLab.Alignment;
using LlmLab.Inference;
using LlmLab.Tokenization;
using Microsoft.Extensions.AI;

namespace LlmLab.Tests.Agents;

/// <summary>The adapter that gives tools to a model fine-tuned with lab 7.1's <c>&lt;|tool_call|&gt;</c> format.</summary>
public sealed class ToolCallChatClientTests
{
    /// <summary>Replies with fixed texts in turn and records what it was given.</summary>
    sealed class Recorder(params string[] replies) : IChatClient
    {
        int _i;
        public List<(List<ChatMessage> Messages, ChatOptions? Options)> Seen { get; } = [];
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> m, ChatOptions? o = null, CancellationToken ct = default)
        {
            Seen.Add((m.ToList(), o));
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, replies[Math.Min(_i++, replies.Length - 1)])));
        }
        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> m, ChatOptions? o = null,
            CancellationToken ct = default) =>
            throw new NotSupportedException();
        public object? GetService(Type t, object? k = null) => null;
        public void Dispose() { }
    }

    [Fact]
    public async Task A_tool_call_reply_becomes_a_function_call_and_the_result_goes_back_as_a_tool_result_turn()
    {
        var inner = new Recorder(ChatTokens.ToolCall + """{"name":"calculator","arguments":{"expression":"6*7"}}""", "It is 42.");
        var tools = AgentToolbox.Create(new AgentToolboxOptions());
        var run = await new AgentRunner(new ToolCallChatClient(inner), tools).RunAsync("What is 6 times 7?");
        Assert.Equal("It is 42.", run.Answer);
        var call = Assert.Single(run.Calls);
        Assert.Equal(("calculator", "ok", "42"), (call.Name, call.Status, call.Result));
        // The inner model never sees the tools option, and its system message is 7.1's tool list in the same words.
        Assert.All(inner.Seen, s => Assert.Null(s.Options?.Tools));
        string system = inner.Seen[0].Messages[0].Text;
        Assert.StartsWith("Tools: ", system);
        Assert.EndsWith(". Answer with one tool call.", system);
        Assert.Contains("calculator(expression)", system);
        Assert.Contains("convert_units(value, from, to)", system);
        Assert.Matches(@"^Tools: (\w+\([\w, ]*\)(, )?)+\. Answer with one tool call\.$", ToolCallFamily.ToolList);
        // The second turn renders in the chat template as a <|tool_call|> turn and a <|tool_result|> turn.
        string prompt = ChatTemplate.Chat.Render(inner.Seen[1].Messages);
        Assert.Contains(ChatTokens.ToolCall + """{"name":"calculator","arguments":{"expression":"6*7"}}""" + ChatTokens.End, prompt);
        Assert.Contains(ChatTokens.ToolResult + "42" + ChatTokens.End, prompt);
    }

    [Fact]
    public async Task A_reply_that_is_not_a_well_formed_call_stays_text()
    {
        var tools = AgentToolbox.Create(new AgentToolboxOptions());
        foreach (string reply in (string[])["The weather is fine.", ChatTokens.ToolCall + "{\"name\": 3}", "{not json"])
        {
            var r = await new ToolCallChatClient(new Recorder(reply)).GetResponseAsync([new(ChatRole.User, "hi")],
                new ChatOptions { Tools = [.. tools] });
            Assert.Empty(r.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
            Assert.Equal(reply, r.Text);
        }
    }
}
