using System.ClientModel;
using System.Text.Json;
using LlmLab.Agents.Agent;
using LlmLab.Retrieval.Answering;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using AiChatRole = Microsoft.Extensions.AI.ChatRole;

namespace LlmLab.Tests.Server;

/// <summary>Tool calls from <c>llmlab serve</c> read by the official OpenAI .NET client (whole and streamed) and by
/// Microsoft.Extensions.AI's FunctionInvokingChatClient over <see cref="OpenAiCompatible.Create"/>, which runs the tool
/// and sends its result back (a second request whose history holds the call and its result). The model is untrained,
/// so the calls come from tool_choice required (constrained decoding).</summary>
public sealed class ServerToolsClientTests : IAsyncLifetime
{
    TestServer _s = null!;

    public async Task InitializeAsync() => _s = await ToolModel.StartAsync();

    public async Task DisposeAsync() => await _s.DisposeAsync();

    static ChatTool Weather() => ChatTool.CreateFunctionTool("get_weather", "The weather now", BinaryData.FromString(
        """{"type":"object","properties":{"city":{"type":"string","enum":["Paris","Oslo","Lima"]}},"required":["city"],"additionalProperties":false}"""));

    [Fact]
    public async Task The_openai_client_reads_the_calls_whole_and_streamed()
    {
        var chat = new ChatClient(LlmLab.Server.DemoModel.ModelId, new ApiKeyCredential(TestServer.Key),
            new OpenAIClientOptions { Endpoint = new Uri(_s.Base, "v1") });
        var options = new ChatCompletionOptions { Tools = { Weather() }, ToolChoice = ChatToolChoice.CreateRequiredChoice(), Temperature = 0,
            MaxOutputTokenCount = 100 };
        ChatCompletion whole = await chat.CompleteChatAsync([new UserChatMessage("Weather in Lima?")], options);
        Assert.Equal(OpenAI.Chat.ChatFinishReason.ToolCalls, whole.FinishReason);
        var call = Assert.Single(whole.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.Contains(JsonDocument.Parse(call.FunctionArguments.ToString()).RootElement.GetProperty("city").GetString(), new[] { "Paris", "Oslo", "Lima" });

        string? name = null, id = null;
        var args = new System.Text.StringBuilder();
        OpenAI.Chat.ChatFinishReason? finish = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Weather in Lima?")], options))
        {
            foreach (var part in update.ToolCallUpdates)
            {
                Assert.Equal(0, part.Index);
                name ??= part.FunctionName;
                id ??= part.ToolCallId;
                if (part.FunctionArgumentsUpdate is { } a && !a.ToMemory().IsEmpty) args.Append(a.ToString());
            }
            finish ??= update.FinishReason;
        }
        Assert.Equal(OpenAI.Chat.ChatFinishReason.ToolCalls, finish);
        Assert.Equal("get_weather", name);
        Assert.StartsWith("call_", id);
        Assert.Equal(call.FunctionArguments.ToString(), args.ToString());                // greedy: the same call
    }

    [Fact]
    public async Task Function_invoking_client_runs_the_served_call_and_sends_the_result_back()
    {
        var seen = new List<bool>();
        var tool = AIFunctionFactory.Create((bool celsius) => { lock (seen) seen.Add(celsius); return celsius ? "21 C" : "70 F"; },
            "get_temperature", "The temperature in the user's city");
        using var inner = OpenAiCompatible.Create(new Uri(_s.Base, "v1").ToString(), LlmLab.Server.DemoModel.ModelId, TestServer.Key);
        using var client = new FunctionInvokingChatClient(inner) { MaximumIterationsPerRequest = 2 };
        var response = await client.GetResponseAsync([new AiChatMessage(AiChatRole.User, "How warm is it?")],
            new ChatOptions { Tools = [tool], ToolMode = ChatToolMode.RequireAny, MaxOutputTokens = 100, Temperature = 0 });
        Assert.True(seen.Count > 0, "the served call was not run: " + string.Join(" | ", response.Messages.Select(m => m.Role + ":" + m.Text)));
        var messages = response.Messages.SelectMany(m => m.Contents).ToList();
        var call = Assert.IsType<FunctionCallContent>(messages.First(c => c is FunctionCallContent));
        Assert.Equal("get_temperature", call.Name);
        var result = Assert.IsType<FunctionResultContent>(messages.First(c => c is FunctionResultContent));
        Assert.Equal(call.CallId, result.CallId);
        Assert.Contains(result.Result?.ToString(), new[] { "21 C", "70 F" });
        // The request after the result was answered (its history held the call and the result): the last message is
        // the model's, after the tool's.
        Assert.Equal(AiChatRole.Assistant, response.Messages[^1].Role);
        Assert.True(response.Messages.Count >= 3, string.Join(" | ", response.Messages.Select(m => m.Role + ":" + m.Text)));
    }
}
