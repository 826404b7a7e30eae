using System.ClientModel;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;

namespace LlmLab.Tests.Server;

/// <summary>The OpenAI endpoints over real HTTP: the official OpenAI .NET client unchanged, and raw requests for the
/// legacy completions API, SSE framing, n, stop, logprobs and usage.</summary>
public sealed class OpenAiApiTests : IAsyncLifetime
{
    TestServer _s = null!;

    public async Task InitializeAsync() => _s = await TestServer.StartAsync(expectPrompts: ["hello there", "abc"]);

    public async Task DisposeAsync() => await _s.DisposeAsync();

    ChatClient OpenAiChat(string key = TestServer.Key) =>
        new(LlmLab.Server.DemoModel.ModelId, new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(_s.Base, "v1") });

    [Fact]
    public async Task The_official_openai_client_completes_and_streams_a_chat()
    {
        var chat = OpenAiChat();
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 6, Temperature = 0 };
        ChatCompletion whole = await chat.CompleteChatAsync([new UserChatMessage("hi")], options);
        Assert.Equal(ChatMessageRole.Assistant, whole.Role);
        Assert.Equal(6, whole.Usage.OutputTokenCount);
        Assert.True(whole.Usage.InputTokenCount > 5);
        Assert.Equal(ChatFinishReason.Length, whole.FinishReason);
        Assert.StartsWith("chatcmpl-", whole.Id);

        var text = new System.Text.StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var u in chat.CompleteChatStreamingAsync([new UserChatMessage("hi")], options))
        {
            foreach (var part in u.ContentUpdate) text.Append(part.Text);
            finish ??= u.FinishReason;
            usage ??= u.Usage;
        }
        Assert.Equal(whole.Content.Count == 0 ? "" : whole.Content[0].Text, text.ToString()); // greedy: the same text both ways
        Assert.Equal(ChatFinishReason.Length, finish);
        Assert.Equal(6, usage?.OutputTokenCount);
    }

    [Fact]
    public async Task The_official_client_sees_a_wrong_key_as_401()
    {
        var e = await Assert.ThrowsAsync<ClientResultException>(() => OpenAiChat("sk-wrong-0123456789abcdef").CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(401, e.Status);
        Assert.Contains("Incorrect API key", e.Message);
    }

    [Fact]
    public async Task A_greedy_completion_equals_the_engine_alone_and_has_openai_s_shape()
    {
        using var http = _s.Client();
        var res = await http.PostAsync("/v1/completions", TestServer.Json("""{"model":"llmlab-demo-untrained","prompt":"hello there","max_tokens":8,"temperature":0,"logprobs":2}"""));
        Assert.Equal(200, (int)res.StatusCode);
        using var doc = JsonDocument.Parse(await res.Content.ReadAsStringAsync());
        var root = doc.RootElement;
        Assert.Equal("text_completion", root.GetProperty("object").GetString());
        var choice = root.GetProperty("choices")[0];
        Assert.Equal(_s.Expected["hello there"].Text, choice.GetProperty("text").GetString());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(8, choice.GetProperty("logprobs").GetProperty("token_logprobs").GetArrayLength());
        Assert.All(choice.GetProperty("logprobs").GetProperty("token_logprobs").EnumerateArray(), x => Assert.True(x.GetDouble() <= 0));
        Assert.Equal(11, root.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(19, root.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.False(string.IsNullOrEmpty(res.Headers.GetValues("X-Request-Id").Single()));
    }

    [Fact]
    public async Task A_stream_has_one_event_per_chunk_a_usage_chunk_and_ends_with_done()
    {
        using var http = _s.Client();
        var res = await http.PostAsync("/v1/completions", TestServer.Json(
            """{"prompt":"abc","max_tokens":8,"temperature":0,"n":2,"stream":true,"stream_options":{"include_usage":true}}"""));
        Assert.Equal("text/event-stream", res.Content.Headers.ContentType?.MediaType);
        var events = (await res.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e => Assert.StartsWith("data: ", e));
        Assert.Equal("data: [DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e[6..]).RootElement).ToList();
        var usage = chunks[^1];
        Assert.Equal(0, usage.GetProperty("choices").GetArrayLength());
        Assert.Equal(16, usage.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        for (int i = 0; i < 2; i++)
        {
            var mine = chunks[..^1].Select(c => c.GetProperty("choices")[0]).Where(c => c.GetProperty("index").GetInt32() == i).ToList();
            Assert.Equal(_s.Expected["abc"].Text, string.Concat(mine.Select(c => c.GetProperty("text").GetString()))); // n greedy choices: identical
            Assert.Equal("length", mine[^1].GetProperty("finish_reason").GetString());
        }
    }

    [Fact]
    public async Task A_stop_string_cuts_the_text_and_seeds_reproduce_sampled_choices()
    {
        using var http = _s.Client();
        string expected = _s.Expected["hello there"].Text;
        string stop = expected.Substring(2, 2);
        var body = JsonSerializer.Serialize(new { prompt = "hello there", max_tokens = 8, temperature = 0, stop = new[] { stop } });
        using var doc = JsonDocument.Parse(await (await http.PostAsync("/v1/completions", TestServer.Json(body))).Content.ReadAsStringAsync());
        var choice = doc.RootElement.GetProperty("choices")[0];
        Assert.Equal(expected[..expected.IndexOf(stop, StringComparison.Ordinal)], choice.GetProperty("text").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());

        string sampled = """{"prompt":"abc","max_tokens":10,"temperature":1,"seed":7,"n":3}""";
        var a = await (await http.PostAsync("/v1/completions", TestServer.Json(sampled))).Content.ReadAsStringAsync();
        var b = await (await http.PostAsync("/v1/completions", TestServer.Json(sampled))).Content.ReadAsStringAsync();
        string[] Texts(string json) => JsonDocument.Parse(json).RootElement.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("text").GetString()!).ToArray();
        Assert.Equal(Texts(a), Texts(b));
        Assert.Equal(3, Texts(a).Distinct().Count()); // choice i is seeded with seed + i
    }

    [Fact]
    public async Task Models_health_and_ready_answer()
    {
        using var http = _s.Client();
        using var models = JsonDocument.Parse(await http.GetStringAsync("/v1/models"));
        Assert.Equal(LlmLab.Server.DemoModel.ModelId, models.RootElement.GetProperty("data")[0].GetProperty("id").GetString());
        using var open = _s.Client(key: null);
        Assert.Equal(200, (int)(await open.GetAsync("/health")).StatusCode);
        Assert.Contains("ready", await open.GetStringAsync("/ready"));
    }
}
