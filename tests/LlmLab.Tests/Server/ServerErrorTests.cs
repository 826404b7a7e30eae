using System.Text.Json;

namespace LlmLab.Tests.Server;

/// <summary>Errors in OpenAI's shape with the right status; keys, limits and logs.</summary>
public sealed class ServerErrorTests : IAsyncLifetime
{
    TestServer _s = null!;

    public async Task InitializeAsync() => _s = await TestServer.StartAsync(o => o with
    {
        RequestsPerSecondPerKey = 1, RateLimitBurst = 12, MaxRequestBodyBytes = 4096, MaxTokensLimit = 20, MaxChoices = 2,
    });

    public async Task DisposeAsync() => await _s.DisposeAsync();

    static async Task<(int Status, JsonElement Error)> Error(HttpResponseMessage res)
    {
        string body = await res.Content.ReadAsStringAsync();
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        foreach (var field in (string[])["message", "type", "param", "code"]) Assert.True(error.TryGetProperty(field, out _), $"no '{field}' in {body}");
        return ((int)res.StatusCode, error);
    }

    [Theory]
    [InlineData("""{"prompt":"abc","max_tokens":21}""", 400, "max_tokens")]
    [InlineData("""{"prompt":"abc","max_tokens":"ten"}""", 400, "max_tokens")]
    [InlineData("""{"prompt":"abc","temperature":3}""", 400, "temperature")]
    [InlineData("""{"prompt":"abc","top_p":0}""", 400, "top_p")]
    [InlineData("""{"prompt":"abc","n":3}""", 400, "n")]
    [InlineData("""{"prompt":"abc","stop":["a","b","c","d","e"]}""", 400, "stop")]
    [InlineData("""{"prompt":"abc","stream_options":{"include_usage":true}}""", 400, "stream_options")]
    [InlineData("""{"prompt":"abc","presence_penalty":3}""", 400, "presence_penalty")]
    [InlineData("""{"max_tokens":2}""", 400, "prompt")]
    [InlineData("""{"prompt":"abc","model":"gpt-4o"}""", 404, "model")]
    public async Task A_bad_field_is_named_with_its_status(string body, int status, string param)
    {
        using var http = _s.Client();
        var (code, error) = await Error(await http.PostAsync("/v1/completions", TestServer.Json(body)));
        Assert.Equal(status, code);
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task Keys_bodies_routes_and_json_errors_have_their_statuses()
    {
        using var none = _s.Client(key: null);
        var (s401, e401) = await Error(await none.PostAsync("/v1/completions", TestServer.Json("""{"prompt":"a"}""")));
        Assert.Equal((401, "missing_api_key"), (s401, e401.GetProperty("code").GetString()));
        using var http = _s.Client();
        Assert.Equal(413, (await Error(await http.PostAsync("/v1/completions", TestServer.Json($$"""{"prompt":"{{new string('a', 5000)}}"}""")))).Status);
        Assert.Equal(400, (await Error(await http.PostAsync("/v1/completions", TestServer.Json("{not json")))).Status);
        var (s404, e404) = await Error(await http.PostAsync("/v1/embeddings", TestServer.Json("""{"input":"a","model":"x"}""")));
        Assert.Equal((404, "model_not_found"), (s404, e404.GetProperty("code").GetString()));
        Assert.Equal(404, (await Error(await http.GetAsync("/v1/nothing"))).Status);
        Assert.Equal(405, (await Error(await http.GetAsync("/v1/completions"))).Status);
        var (sChat, eChat) = await Error(await http.PostAsync("/v1/chat/completions", TestServer.Json("""{"messages":[{"role":"tool","content":"x"}]}""")));
        Assert.Equal((400, "messages[0].role"), (sChat, eChat.GetProperty("param").GetString()));
    }

    [Fact]
    public async Task A_key_past_its_rate_is_refused_with_429_and_retry_after()
    {
        using var http = _s.Client();
        var statuses = new List<int>();
        HttpResponseMessage? limited = null;
        for (int i = 0; i < 30 && limited is null; i++)
        {
            var res = await http.GetAsync("/v1/models");
            statuses.Add((int)res.StatusCode);
            if ((int)res.StatusCode == 429) limited = res;
        }
        Assert.NotNull(limited);
        var (_, error) = await Error(limited);
        Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
        Assert.Equal("1", limited.Headers.GetValues("Retry-After").Single());
        Assert.True(statuses.Count(s => s == 200) >= 12, "the burst was not honoured");
        using var open = _s.Client(key: null);
        Assert.Equal(200, (int)(await open.GetAsync("/health")).StatusCode); // probes are not rate-limited
    }

    [Fact]
    public async Task Logs_carry_a_request_id_and_never_a_key()
    {
        using var http = _s.Client();
        var req = new HttpRequestMessage(HttpMethod.Post, "/v1/completions") { Content = TestServer.Json("""{"prompt":"abc","max_tokens":2}""") };
        req.Headers.Add("X-Request-Id", "trace-42");
        Assert.Equal(200, (int)(await http.SendAsync(req)).StatusCode);
        using var wrong = _s.Client("sk-not-the-key-000000000000");
        await wrong.GetAsync("/v1/models");
        await TestWait.Until(() => _s.Logs.Lines.Any(l => l.Contains("RequestId=trace-42") && l.Contains("/v1/completions 200")));
        Assert.Contains(_s.Logs.Lines, l => l.Contains(LlmLab.Server.ApiKeyStore.KeyId(TestServer.Key)));
        Assert.DoesNotContain(_s.Logs.Lines, l => l.Contains(TestServer.Key) || l.Contains("sk-not-the-key"));
    }
}

internal static class TestWait
{
    public static async Task Until(Func<bool> condition, int seconds = 10)
    {
        for (int i = 0; i < seconds * 50 && !condition(); i++) await Task.Delay(20);
        Assert.True(condition(), $"condition not reached within {seconds} s");
    }
}
