using System.Text.Json;
using System.Text.RegularExpressions;
using LlmLab.Inference.Json;

namespace LlmLab.Tests.Server;

/// <summary>Issue 17: OpenAI <c>tools</c>, <c>tool_choice</c> and <c>parallel_tool_calls</c> in <c>llmlab serve</c>, over
/// HTTP against a model with lab 7.1's tool-call format. The model is untrained, so the calls read here come from forced
/// decodes (tool_choice required or a named function): every one must parse and fit the tool's schema, whole and
/// streamed; a free reply's reading is tested on scripted chunks (<see cref="ToolCallStreamTests"/>).</summary>
public sealed class ServerToolsTests : IAsyncLifetime
{
    internal const string Weather = """
        {"type":"function","function":{"name":"get_weather","description":"The weather now","parameters":{"type":"object",
         "properties":{"city":{"type":"string","enum":["Paris","Oslo","Lima"]}},"required":["city"],"additionalProperties":false}}}
        """;
    internal const string Time = """
        {"type":"function","function":{"name":"get_time","parameters":{"type":"object",
         "properties":{"city":{"type":"string","enum":["Paris","Oslo","Lima"]}},"required":["city"],"additionalProperties":false}}}
        """;
    internal const string Timer = """
        {"type":"function","function":{"name":"set_timer","parameters":{"type":"object","properties":{"minutes":{"enum":[5,10,15]}},
         "required":["minutes"]}}}
        """;

    TestServer _s = null!;

    public async Task InitializeAsync() => _s = await ToolModel.StartAsync();

    public async Task DisposeAsync() => await _s.DisposeAsync();

    async Task<(int Status, JsonElement Body)> Chat(string fields)
    {
        using var http = _s.Client();
        var res = await http.PostAsync("/v1/chat/completions", TestServer.Json(
            $$$"""{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"What's the weather in Oslo?"}],{{{fields}}}}"""));
        string text = await res.Content.ReadAsStringAsync();
        return ((int)res.StatusCode, res.IsSuccessStatusCode && text.StartsWith('{') ? JsonDocument.Parse(text).RootElement.Clone()
            : JsonDocument.Parse(JsonSerializer.Serialize(new { raw = text })).RootElement.Clone());
    }

    /// <summary>Each choice's one call: asserts the OpenAI shape and returns (id, name, arguments).</summary>
    static List<(string Id, string Name, JsonElement Args)> Calls(JsonElement body)
    {
        var list = new List<(string, string, JsonElement)>();
        foreach (var choice in body.GetProperty("choices").EnumerateArray())
        {
            Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
            var message = choice.GetProperty("message");
            Assert.Equal("assistant", message.GetProperty("role").GetString());
            Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
            var call = Assert.Single(message.GetProperty("tool_calls").EnumerateArray());
            Assert.Equal("function", call.GetProperty("type").GetString());
            string id = call.GetProperty("id").GetString()!;
            Assert.Matches("^call_[0-9a-f]{24}$", id);
            string args = call.GetProperty("function").GetProperty("arguments").GetString()!;     // a JSON string, as OpenAI sends it
            list.Add((id, call.GetProperty("function").GetProperty("name").GetString()!, JsonDocument.Parse(args).RootElement.Clone()));
        }
        return list;
    }

    static JsonSchemaSubset Schema(string tool) =>
        JsonSchemaSubset.Parse(JsonDocument.Parse(tool).RootElement.GetProperty("function").GetProperty("parameters"), "parameters");

    [Fact]
    public async Task Tool_choice_required_gives_a_call_that_fits_the_schema_in_every_sampled_choice()
    {
        var (status, body) = await Chat($$$"""
            "tools":[{{{Weather}}}],"tool_choice":"required","n":8,"temperature":1.5,"seed":4,"max_tokens":100
            """);
        Assert.True(status == 200, body.ToString());
        var calls = Calls(body);
        Assert.Equal(8, calls.Count);
        Assert.All(calls, c => Assert.Equal("get_weather", c.Name));
        Assert.All(calls, c => Assert.True(Schema(Weather).Validates(c.Args), c.Args.GetRawText()));
        Assert.Equal(8, calls.Select(c => c.Id).Distinct().Count());
        Assert.True(calls.Select(c => c.Args.GetRawText()).Distinct().Count() > 1, "8 sampled calls all alike: was anything sampled?");
    }

    [Fact]
    public async Task A_named_function_is_the_one_called_and_required_picks_among_the_tools()
    {
        var (status, body) = await Chat($$$"""
            "tools":[{{{Weather}}},{{{Timer}}}],"tool_choice":{"type":"function","function":{"name":"set_timer"}},"n":4,"seed":1,"max_tokens":100
            """);
        Assert.True(status == 200, body.ToString());
        Assert.All(Calls(body), c => Assert.Equal("set_timer", c.Name));
        Assert.All(Calls(body), c => Assert.True(Schema(Timer).Validates(c.Args), c.Args.GetRawText()));

        (status, body) = await Chat($$$"""
            "tools":[{{{Weather}}},{{{Time}}}],"tool_choice":"required","n":8,"temperature":1.5,"seed":2,"max_tokens":100
            """);
        Assert.True(status == 200, body.ToString());
        Assert.All(Calls(body), c => Assert.Contains(c.Name, new[] { "get_weather", "get_time" }));
        Assert.All(Calls(body), c => Assert.True(Schema(Weather).Validates(c.Args), c.Args.GetRawText()));
    }

    [Fact]
    public async Task A_streamed_call_comes_as_tool_call_deltas_and_equals_the_whole_reply()
    {
        string fields = "\"tools\":[" + Weather + "," + Timer + "],\"tool_choice\":\"required\",\"temperature\":0,\"max_tokens\":100";
        var (_, whole) = await Chat(fields);
        var expected = Assert.Single(Calls(whole));
        using var http = _s.Client();
        var res = await http.PostAsync("/v1/chat/completions", TestServer.Json(
            $$$"""{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"What's the weather in Oslo?"}],{{{fields}}},"stream":true}"""));
        Assert.Equal("text/event-stream", res.Content.Headers.ContentType?.MediaType);
        var events = (await res.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("data: [DONE]", events[^1]);
        var deltas = events[..^1].Select(e => JsonDocument.Parse(e[6..]).RootElement.GetProperty("choices")[0]).ToList();
        Assert.Equal("assistant", deltas[0].GetProperty("delta").GetProperty("role").GetString());
        // OpenAI's shape: the first tool-call delta carries index, id, type and name with empty arguments; later ones
        // carry argument text only; the last chunk's finish_reason is tool_calls.
        var parts = deltas.Where(d => d.GetProperty("delta").TryGetProperty("tool_calls", out _))
            .Select(d => Assert.Single(d.GetProperty("delta").GetProperty("tool_calls").EnumerateArray())).ToList();
        Assert.True(parts.Count >= 2, $"{parts.Count} tool-call deltas");
        Assert.All(parts, p => Assert.Equal(0, p.GetProperty("index").GetInt32()));
        Assert.Matches("^call_[0-9a-f]{24}$", parts[0].GetProperty("id").GetString());
        Assert.Equal("function", parts[0].GetProperty("type").GetString());
        Assert.Equal(expected.Name, parts[0].GetProperty("function").GetProperty("name").GetString());
        Assert.All(parts.Skip(1), p => Assert.False(p.TryGetProperty("id", out _)));
        string args = string.Concat(parts.Select(p => p.GetProperty("function").GetProperty("arguments").GetString()));
        Assert.Equal(expected.Args.GetRawText(), args);
        Assert.Equal("tool_calls", deltas[^1].GetProperty("finish_reason").GetString());
        Assert.DoesNotContain(deltas, d => d.GetProperty("delta").TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String
            && c.GetString()!.Length > 0);
    }

    [Fact]
    public async Task A_history_with_calls_and_results_is_answered_and_tool_choice_none_gives_text()
    {
        using var http = _s.Client();
        var res = await http.PostAsync("/v1/chat/completions", TestServer.Json($$$"""
            {"messages":[{"role":"user","content":"Weather in Oslo and Paris?"},
              {"role":"assistant","content":null,"tool_calls":[
                {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Oslo\"}"}},
                {"id":"call_2","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"rain, 4 C"},{"role":"tool","tool_call_id":"call_2","content":"sun, 21 C"}],
             "tools":[{{{Weather}}}],"tool_choice":"none","max_tokens":5,"temperature":0}
            """));
        string text = await res.Content.ReadAsStringAsync();
        Assert.True(res.IsSuccessStatusCode, text);
        var choice = JsonDocument.Parse(text).RootElement.GetProperty("choices")[0];
        Assert.Equal(JsonValueKind.String, choice.GetProperty("message").GetProperty("content").ValueKind);
        Assert.False(choice.GetProperty("message").TryGetProperty("tool_calls", out _));
        Assert.NotEqual("tool_calls", choice.GetProperty("finish_reason").GetString());
    }

    [Theory]
    [InlineData("\"tools\":[]", "tools")]
    [InlineData("\"tools\":[{\"type\":\"code\",\"function\":{\"name\":\"f\"}}]", "tools[0].type")]
    [InlineData("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"bad name\"}}]", "tools[0].function.name")]
    [InlineData("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":3}}]", "tools[0].function.parameters")]
    [InlineData("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"colour\":1}}]", "tools[0].function.colour")]
    [InlineData("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}},{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]",
        "tools[1].function.name")]
    [InlineData("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":\"always\"", "tool_choice")]
    [InlineData("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"g\"}}",
        "tool_choice.function.name")]
    [InlineData("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"parallel_tool_calls\":\"yes\"", "parallel_tool_calls")]
    [InlineData("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"response_format\":{\"type\":\"json_object\"}", "response_format")]
    [InlineData("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"logprobs\":true", "logprobs")]
    [InlineData("\"tool_choice\":\"auto\"", "tool_choice")]
    [InlineData("\"parallel_tool_calls\":true", "parallel_tool_calls")]
    public async Task Bad_tool_fields_are_400_naming_the_field(string fields, string param)
    {
        var (status, body) = await Chat(fields);
        Assert.True(status == 400, body.ToString());
        Assert.Equal(param, JsonDocument.Parse(body.GetProperty("raw").GetString()!).RootElement.GetProperty("error").GetProperty("param").GetString());
    }

    [Theory]
    [InlineData("""{"role":"tool","tool_call_id":"call_9","content":"x"}""", "messages[1].tool_call_id")]
    [InlineData("""{"role":"tool","content":"x"}""", "messages[1].tool_call_id")]
    [InlineData("""{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"[1]"}}]}""",
        "messages[1].tool_calls[0].function.arguments")]
    [InlineData("""{"role":"assistant","content":"hi","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]}""",
        "messages[1].content")]
    [InlineData("""{"role":"assistant","tool_calls":[{"type":"function","function":{"name":"f","arguments":"{}"}}]}""", "messages[1].tool_calls[0].id")]
    [InlineData("""{"role":"user","content":"x","tool_call_id":"c"}""", "messages[1].tool_call_id")]
    [InlineData("""{"role":"assistant","function_call":{"name":"f","arguments":"{}"}}""", "messages[1].function_call")]
    public async Task Bad_tool_messages_are_400_naming_the_message(string message, string param)
    {
        using var http = _s.Client();
        var res = await http.PostAsync("/v1/chat/completions", TestServer.Json($$$"""{"messages":[{"role":"user","content":"hi"},{{{message}}}]}"""));
        string text = await res.Content.ReadAsStringAsync();
        Assert.True((int)res.StatusCode == 400, text);
        Assert.Equal(param, JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task A_model_without_the_format_refuses_tools_and_tool_messages_naming_the_field()
    {
        await using var demo = await TestServer.StartAsync(context: 128);           // char-level, transcript template
        using var http = demo.Client();
        async Task<(int, string?, string)> Post(string body)
        {
            var res = await http.PostAsync("/v1/chat/completions", TestServer.Json(body));
            string text = await res.Content.ReadAsStringAsync();
            return ((int)res.StatusCode, res.IsSuccessStatusCode ? null
                : JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("param").GetString(), text);
        }
        var (status, param, text) = await Post($$$"""{"messages":[{"role":"user","content":"hi"}],"tools":[{{{Weather}}}]}""");
        Assert.Equal((400, "tools"), (status, param));
        Assert.Contains("tool-call format", text);
        (status, param, _) = await Post("""
            {"messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]}]}
            """);
        Assert.Equal((400, "messages[1].tool_calls"), (status, param));
        (status, param, _) = await Post("""{"messages":[{"role":"user","content":"hi"},{"role":"tool","content":"x"}]}""");
        Assert.Equal((400, "messages[1].role"), (status, param));
    }
}
