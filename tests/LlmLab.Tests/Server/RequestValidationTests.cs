using System.Text;
using System.Text.Json;

namespace LlmLab.Tests.Server;

/// <summary>Issue 21, items 1, 2, 5, 7, 8 and 10: odd input is a 400 naming the field, never a 500; every OpenAI field
/// is honoured or refused by name; top_p, seeds and max_tokens behave as OpenAI and vLLM document.</summary>
public sealed class RequestValidationTests : IAsyncLifetime
{
    TestServer _s = null!;

    public async Task InitializeAsync() => _s = await TestServer.StartAsync(expectPrompts: ["hello there"]);

    public async Task DisposeAsync() => await _s.DisposeAsync();

    async Task<(int Status, string? Param, string Body)> Post(string route, HttpContent content)
    {
        using var http = _s.Client();
        var res = await http.PostAsync(route, content);
        string body = await res.Content.ReadAsStringAsync();
        string? param = (int)res.StatusCode >= 400 ? JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("param").GetString() : null;
        return ((int)res.StatusCode, param, body);
    }

    static ByteArrayContent Raw(byte[] bytes) => new(bytes) { Headers = { ContentType = new("application/json") } };

    static byte[] Bytes(string before, byte[] middle, string after) => [.. Encoding.UTF8.GetBytes(before), .. middle, .. Encoding.UTF8.GetBytes(after)];

    [Fact]
    public async Task Invalid_utf8_and_lone_surrogates_are_400_naming_the_field()
    {
        Assert.Equal((400, "prompt"), Pick(await Post("/v1/completions", Raw(Bytes("{\"prompt\":\"hi ", [0xff], " there\"}")))));
        Assert.Equal((400, "prompt"), Pick(await Post("/v1/completions", TestServer.Json("""{"prompt":"a\ud800b"}"""))));
        Assert.Equal((400, "messages[0].content"), Pick(await Post("/v1/chat/completions",
            Raw(Bytes("{\"messages\":[{\"role\":\"user\",\"content\":\"x", [0xc3], "\"}]}")))));
        Assert.Equal((400, "messages[0].content[0].text"), Pick(await Post("/v1/chat/completions",
            TestServer.Json("""{"messages":[{"role":"user","content":[{"type":"text","text":"\udc00"}]}]}"""))));
        Assert.Equal((400, "stop"), Pick(await Post("/v1/completions", TestServer.Json("""{"prompt":"a","stop":"\ud800"}"""))));
    }

    static (int, string?) Pick((int Status, string? Param, string Body) r) => (r.Status, r.Param);

    [Theory]
    [InlineData("""["hello"]""", "messages[0].content[0]")]
    [InlineData("""[{"type":5,"text":"x"}]""", "messages[0].content[0]")]
    [InlineData("""[{"type":"image_url","image_url":{"url":"x"}}]""", "messages[0].content[0]")]
    [InlineData("""[{"type":"text","text":"a"},{"type":"text"}]""", "messages[0].content[1].text")]
    public async Task Bad_content_parts_are_400_naming_the_part(string content, string param) =>
        Assert.Equal((400, param), Pick(await Post("/v1/chat/completions", TestServer.Json($$"""{"messages":[{"role":"user","content":{{content}}}]}"""))));

    [Theory]
    [InlineData("tools", """[{"type":"function","function":{"name":"f"}}]""", true)]
    [InlineData("tool_choice", "\"auto\"", true)]
    [InlineData("parallel_tool_calls", "false", true)]
    [InlineData("store", "true", true)]
    [InlineData("metadata", """{"a":"b"}""", true)]
    [InlineData("reasoning_effort", "\"low\"", true)]
    [InlineData("service_tier", "\"priority\"", true)]
    [InlineData("modalities", """["text","audio"]""", true)]
    [InlineData("prediction", """{"type":"content","content":"x"}""", true)]
    [InlineData("suffix", "\"end\"", false)]
    [InlineData("best_of", "3", false)]
    [InlineData("logit_bias", """{"zzz":1}""", false)]
    [InlineData("logit_bias", """{"1":101}""", false)]
    [InlineData("logit_bias", """{"100000":1}""", false)]
    [InlineData("stop_token_ids", "[100000]", false)]
    [InlineData("min_p", "1.5", false)]
    [InlineData("seed", "1e30", false)]
    [InlineData("temperature", "1e400", false)]
    [InlineData("frobnicate", "1", false)]          // unknown: refused, not ignored
    [InlineData("echo", "true", false)]             // with logprobs below: refused as a combination
    public async Task Unsupported_or_bad_fields_are_refused_by_name(string field, string value, bool chat)
    {
        string body = chat ? $$"""{"messages":[{"role":"user","content":"hi"}],"{{field}}":{{value}}}"""
            : $$"""{"prompt":"hi","logprobs":{{(field == "echo" ? "1" : "null")}},"{{field}}":{{value}}}""";
        var (status, param, text) = await Post(chat ? "/v1/chat/completions" : "/v1/completions", TestServer.Json(body));
        Assert.True(status == 400, text);
        Assert.Equal(field, param);
    }

    [Fact]
    public async Task Max_tokens_beyond_the_context_is_400_with_the_largest_allowed()
    {
        var (status, param, body) = await Post("/v1/completions", TestServer.Json("""{"prompt":"abc","max_tokens":4096}"""));
        Assert.Equal((400, "max_tokens"), (status, param));
        Assert.Contains("at most 61", body);                                    // context 64 − 3 prompt tokens
        Assert.Equal(200, (await Post("/v1/completions", TestServer.Json("""{"prompt":"abc","max_tokens":61}"""))).Status);
    }

    [Fact]
    public async Task A_tiny_top_p_gives_the_greedy_text()
    {
        var (status, _, body) = await Post("/v1/completions", TestServer.Json("""{"prompt":"hello there","max_tokens":8,"top_p":1e-46,"seed":3}"""));
        Assert.Equal(200, status);
        Assert.Equal(_s.Expected["hello there"].Text, Text(body));
    }

    static string Text(string body, int i = 0) => JsonDocument.Parse(body).RootElement.GetProperty("choices")[i].GetProperty("text").GetString()!;

    [Fact]
    public async Task Seeds_differing_above_32_bits_give_different_samples_and_repeat_exactly()
    {
        async Task<string> Sample(string seed) =>
            Text((await Post("/v1/completions", TestServer.Json($$"""{"prompt":"abc","max_tokens":12,"temperature":1,"seed":{{seed}}}"""))).Body);
        string[] seeds = ["0", "4294967296", "1099511627776", "-9223372036854775808"];
        var texts = new List<string>();
        foreach (var s in seeds) texts.Add(await Sample(s));
        Assert.Equal(seeds.Length, texts.Distinct().Count());
        Assert.Equal(texts[2], await Sample(seeds[2]));
    }

    [Fact]
    public async Task Logit_bias_echo_stop_token_ids_and_penalties_are_honoured()
    {
        var greedy = _s.Expected["hello there"];
        // Banning the greedy first token changes the first token.
        var (_, _, banned) = await Post("/v1/completions", TestServer.Json(
            $$$"""{"prompt":"hello there","max_tokens":1,"temperature":0,"logit_bias":{"{{{greedy.Tokens[0]}}}":-100}}"""));
        Assert.NotEqual(greedy.Text[..1], Text(banned));
        // echo puts the prompt before the text.
        Assert.Equal("hello there" + greedy.Text, Text((await Post("/v1/completions",
            TestServer.Json("""{"prompt":"hello there","max_tokens":8,"temperature":0,"echo":true}"""))).Body));
        // A stop token id ends the reply at its first occurrence, with finish_reason stop.
        int stopAt = greedy.Tokens.Count - 1;
        stopAt = greedy.Tokens.ToList().IndexOf(greedy.Tokens[stopAt]);
        var (_, _, stopped) = await Post("/v1/completions", TestServer.Json(
            $$"""{"prompt":"hello there","max_tokens":8,"temperature":0,"stop_token_ids":[{{greedy.Tokens[stopAt]}}]}"""));
        var choice = JsonDocument.Parse(stopped).RootElement.GetProperty("choices")[0];
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(stopAt + 1, JsonDocument.Parse(stopped).RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        // A strong frequency penalty keeps greedy decoding from repeating a token as often as it would.
        var (s4, _, _) = await Post("/v1/completions", TestServer.Json(
            """{"prompt":"hello there","max_tokens":8,"temperature":0,"presence_penalty":2,"frequency_penalty":2,"min_p":0.1,"ignore_eos":true,"user":"u1"}"""));
        Assert.Equal(200, s4);
    }
}
