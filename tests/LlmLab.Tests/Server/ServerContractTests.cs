using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using LlmLab.Server;

namespace LlmLab.Tests.Server;

/// <summary>Issue 21, items 6, 9, 11, 12 and 13: a busy port, logprob bytes, logs without raw paths, HEAD probes, the
/// rate-limit burst, failed-authentication limits, and vLLM's /tokenize, /detokenize and /version.</summary>
public sealed class ServerContractTests
{
    [Fact]
    public void A_busy_port_is_one_error_line_and_exit_2()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        int port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var (code, _, err) = CliRun.Run(["serve", "--demo", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.Equal(2, code);
        Assert.Equal($"error: http://127.0.0.1:{port} is already in use by another process: choose another --port (0 = any free port)", err.Trim());
    }

    [Fact]
    public void Logprob_bytes_are_the_token_s_own_bytes_even_when_it_is_part_of_a_character()
    {
        var tok = LlmLab.Tokenization.PretrainedTokenizers.Gpt2();
        int partial = tok.ByteIds[0xC3];                                       // GPT-2's token for the byte 0xC3, the first of "é"
        Assert.Equal([0xC3], OpenAiResponses.Bytes(tok, partial));
        Assert.Equal("\uFFFD", tok.Decode([partial]));                           // its text alone cannot show it
        var chars = DemoModel.CharTokenizer();
        int a = chars.Encode("a")[0];
        Assert.Equal([(int)'a'], OpenAiResponses.Bytes(chars, a));
    }

    [Fact]
    public async Task Probes_answer_head_and_logs_carry_route_templates_not_paths()
    {
        await using var s = await TestServer.StartAsync();
        using var open = s.Client(key: null);
        foreach (var path in (string[])["/health", "/metrics", "/ready"])
            Assert.Equal(200, (int)(await open.SendAsync(new HttpRequestMessage(HttpMethod.Head, path))).StatusCode);
        using var http = s.Client();
        Assert.Equal(404, (int)(await http.GetAsync("/v1/models/sk-secret-in-path-123")).StatusCode);
        await TestWait.Until(() => s.Logs.Lines.Any(l => l.Contains("/v1/models/{id} 404")));
        Assert.DoesNotContain(s.Logs.Lines, l => l.Contains("sk-secret-in-path") || l.Contains("RequestPath"));
        Assert.Contains(s.Logs.Lines, l => l.Contains("request req-") && l.Contains("RequestId=req-"));   // the scope renders as text
    }

    [Fact]
    public async Task The_burst_defaults_to_one_second_of_the_rate_and_wrong_keys_are_limited_per_address()
    {
        await using var s = await TestServer.StartAsync(o => o with { RequestsPerSecondPerKey = 2, AuthFailuresPerMinute = 3 });
        using var http = s.Client();
        var statuses = new List<int>();
        for (int i = 0; i < 6; i++) statuses.Add((int)(await http.GetAsync("/v1/models")).StatusCode);
        Assert.True(statuses.Count(x => x == 200) is >= 2 and <= 4, string.Join(",", statuses)); // a burst of 2 (+ refills), not 40
        Assert.Contains(429, statuses);
        using var wrong = s.Client("sk-wrong-key-000000000000000");
        var wrongStatuses = new List<int>();
        for (int i = 0; i < 5; i++) wrongStatuses.Add((int)(await wrong.GetAsync("/v1/models")).StatusCode);
        Assert.Equal([401, 401, 401, 429, 429], wrongStatuses);
        var limited = await wrong.GetAsync("/v1/models");
        Assert.Equal("too_many_failed_authentications",
            JsonDocument.Parse(await limited.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.True(limited.Headers.RetryAfter is not null);
    }

    [Fact]
    public async Task Tokenize_detokenize_and_version_answer_in_vllm_s_shapes()
    {
        await using var s = await TestServer.StartAsync();
        using var http = s.Client(key: null);
        var tok = await http.PostAsync("/tokenize", TestServer.Json("""{"prompt":"hello","return_token_strs":true}"""));
        using var t = JsonDocument.Parse(await tok.Content.ReadAsStringAsync());
        var ids = t.RootElement.GetProperty("tokens").EnumerateArray().Select(x => x.GetInt32()).ToArray();
        Assert.Equal(s.Engine.Tokenizer.Encode("hello"), ids);
        Assert.Equal(5, t.RootElement.GetProperty("count").GetInt32());
        Assert.Equal(64, t.RootElement.GetProperty("max_model_len").GetInt32());
        Assert.Equal(["h", "e", "l", "l", "o"], t.RootElement.GetProperty("token_strs").EnumerateArray().Select(x => x.GetString()));
        var detok = await http.PostAsync("/detokenize", TestServer.Json($$"""{"tokens":[{{string.Join(",", ids)}}]}"""));
        Assert.Equal("hello", JsonDocument.Parse(await detok.Content.ReadAsStringAsync()).RootElement.GetProperty("prompt").GetString());
        var chat = await http.PostAsync("/tokenize", TestServer.Json("""{"messages":[{"role":"user","content":"hi"}]}"""));
        Assert.True(JsonDocument.Parse(await chat.Content.ReadAsStringAsync()).RootElement.GetProperty("count").GetInt32() > 2);
        Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(await http.GetStringAsync("/version")).RootElement.GetProperty("version").GetString()));
        foreach (var (route, body, param) in new[] { ("/tokenize", """{"prompt":"a","frob":1}""", "frob"), ("/detokenize", """{"tokens":[100000]}""", "tokens"),
                     ("/detokenize", """{"tokens":"x"}""", "tokens"), ("/tokenize", """{"prompt":"a\ud800"}""", null) })
        {
            var res = await http.PostAsync(route, TestServer.Json(body));
            Assert.Equal(400, (int)res.StatusCode);
            if (param is not null)
                Assert.Equal(param, JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("param").GetString());
        }
    }
}
