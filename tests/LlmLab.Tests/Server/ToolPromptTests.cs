using System.Text.Json;
using LlmLab.Alignment;
using LlmLab.Inference;
using LlmLab.Server;
using LlmLab.Tokenization;

namespace LlmLab.Tests.Server;

/// <summary>The prompt a tools request becomes is the one lab 7.1 trained on: compared, id for id, with the rendering of
/// 7.1's own tool-call examples and with hand-written texts in the format.</summary>
public sealed class ToolPromptTests : IDisposable
{
    readonly GenerationEngine _engine = ToolModel.Engine();
    readonly ServerOptions _options = new() { ModelId = "m", ChatTemplate = ChatTemplate.Chat };

    public void Dispose() => _engine.Model.Dispose();

    OpenAiRequest Parse(string body) => OpenAiRequestParser.Parse(JsonDocument.Parse(body).RootElement, chat: true, _options, _engine);

    /// <summary>The ids of a text written in the format, markers included (special tokens recognised).</summary>
    static int[] Ids(string text) => ToolModel.Tokenizer.Encode(text);

    [Fact]
    public void The_four_7_1_tools_render_as_its_training_examples()
    {
        // 7.1's tools in OpenAI's shape: their names and parameters in 7.1's order; a client's system message is replaced.
        const string tools = """
            [{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}},
             {"type":"function","function":{"name":"set_timer","parameters":{"type":"object","properties":{"minutes":{"type":"integer"}}}}},
             {"type":"function","function":{"name":"convert_currency","parameters":{"type":"object","properties":{"amount":{"type":"number"},
               "from":{"type":"string"},"to":{"type":"string"}}}}},
             {"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]
            """;
        var data = SyntheticDataset.Generate([TaskFamilies.ByName("tool_call")], new SyntheticDataOptions(TrainPerFamily: 5, TestPerFamily: 2, Seed: 9));
        foreach (var example in data.Train)
        {
            var expected = ChatTemplate.Chat.Encode(example.Prompt, ToolModel.Tokenizer, addGenerationPrompt: true).Ids;
            var req = Parse($$$"""
                {"messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":{{{JsonSerializer.Serialize(example.UserText)}}}}],
                 "tools":{{{tools}}}}
                """);
            Assert.Equal(expected, req.Prompt);
        }
        Assert.Equal(Ids($"{ChatTokens.System}{ToolCallFamily.ToolList}{ChatTokens.End}{ChatTokens.User}hi{ChatTokens.End}{ChatTokens.Assistant}"),
            Parse($$$"""{"messages":[{"role":"user","content":"hi"}],"tools":{{{tools}}}}""").Prompt);
    }

    [Fact]
    public void Calls_and_results_in_the_history_render_as_tool_call_and_tool_result_turns()
    {
        var req = Parse($$$"""
            {"messages":[{"role":"user","content":"Oslo and Paris?"},
              {"role":"assistant","tool_calls":[
                {"id":"a","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Oslo\"}"}},
                {"id":"b","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
              {"role":"tool","tool_call_id":"a","content":"rain"},{"role":"tool","tool_call_id":"b","content":[{"type":"text","text":"sun"}]}],
             "tools":[{{{ServerToolsTests.Weather}}}]}
            """);
        string s = ChatTokens.System, u = ChatTokens.User, a = ChatTokens.Assistant, e = ChatTokens.End, c = ChatTokens.ToolCall, r = ChatTokens.ToolResult;
        Assert.Equal(Ids($"{s}Tools: get_weather(city). Answer with one tool call.{e}{u}Oslo and Paris?{e}" +
            $$$"""{{{a}}}{{{c}}}{"name":"get_weather","arguments":{"city":"Oslo"}}{{{c}}}{"name":"get_weather","arguments":{"city":"Paris"}}{{{e}}}""" +
            $"{r}rain{e}{r}sun{e}{a}"), req.Prompt);
        Assert.Equal("auto", req.Tools!.Choice);
        Assert.Null(req.Params.Json);
    }

    [Fact]
    public void A_forced_call_ends_the_prompt_with_the_marker_and_none_lists_no_tools_and_bans_it()
    {
        int marker = ToolModel.Tokenizer.SpecialTokenId(ChatTokens.ToolCall);
        var forced = Parse($$$"""{"messages":[{"role":"user","content":"hi"}],"tools":[{{{ServerToolsTests.Weather}}}],"tool_choice":"required"}""");
        Assert.Equal(marker, forced.Prompt[^1]);
        Assert.NotNull(forced.Params.Json);
        Assert.True(forced.Params.Json!.Validates(JsonDocument.Parse("""{"name":"get_weather","arguments":{"city":"Lima"}}""").RootElement));
        Assert.False(forced.Params.Json.Validates(JsonDocument.Parse("""{"name":"get_time","arguments":{"city":"Lima"}}""").RootElement));
        var none = Parse($$$"""{"messages":[{"role":"user","content":"hi"}],"tools":[{{{ServerToolsTests.Weather}}}],"tool_choice":"none"}""");
        Assert.Equal(Ids($"{ChatTokens.User}hi{ChatTokens.End}{ChatTokens.Assistant}"), none.Prompt);
        Assert.Equal(-100, none.Params.LogitBias![marker]);
        Assert.Null(none.Params.Json);
    }
}
