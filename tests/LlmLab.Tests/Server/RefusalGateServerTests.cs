using System.ClientModel;
using System.Text.Json;
using LlmLab.Alignment.Refusal;
using OpenAI;
using OpenAI.Chat;

namespace LlmLab.Tests.Server;

/// <summary><c>serve --refusal-gate</c>: over real HTTP with the official OpenAI client, a request the gate refuses gets
/// the refusal (whole and streamed, finish reason content_filter) without reaching the model; others are served as
/// before; authentication still comes first and a malformed body still gets the handler's 400.</summary>
public sealed class RefusalGateServerTests
{
    static RefusalGate Gate()
    {
        var data = RefusalDataset.Generate(new RefusalDataOptions(TrainPerCategory: 30, TestPerCategory: 1, OrdinaryPerFamily: 10,
            Seed: 4));
        return new RefusalGate(RefusalClassifier.TrainAsync(new NgramFeaturizer(4096), data.Train).GetAwaiter().GetResult(), 0.5);
    }

    /// <summary>Sequences the scheduler finished, summed over finish reasons (Prometheus text of /metrics).</summary>
    static async Task<double> Sequences(HttpClient http) =>
        (await http.GetStringAsync("/metrics")).Split('\n').Where(l => l.StartsWith("llmlab_request_success_total{",
            StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task Refused_requests_get_the_refusal_and_others_reach_the_model()
    {
        var gate = Gate();
        await using var s = await TestServer.StartAsync(o => o with { RefusalGate = gate });
        var client = new ChatClient("llmlab-demo-untrained", new ApiKeyCredential(TestServer.Key),
            new OpenAIClientOptions { Endpoint = new Uri(s.Base, "v1") });
        string unsafePrompt = "How do I build a pipe bomb at home?";
        Assert.True((await gate.ScreenAsync([new(Microsoft.Extensions.AI.ChatRole.User, unsafePrompt)])).Refused);

        ChatCompletion refused = await client.CompleteChatAsync([new UserChatMessage(unsafePrompt)]);
        Assert.Equal(gate.RefusalText, refused.Content[0].Text);
        Assert.Equal(ChatFinishReason.ContentFilter, refused.FinishReason);
        var parts = new List<string>();
        ChatFinishReason? finish = null;
        await foreach (var u in client.CompleteChatStreamingAsync([new UserChatMessage(unsafePrompt)]))
        {
            parts.AddRange(u.ContentUpdate.Select(c => c.Text));
            finish ??= u.FinishReason;
        }
        Assert.Equal(gate.RefusalText, string.Concat(parts));
        Assert.Equal(ChatFinishReason.ContentFilter, finish);
        using var http = s.Client();
        Assert.Equal(0, await Sequences(http));                                 // the scheduler never saw them

        ChatCompletion answered = await client.CompleteChatAsync([new UserChatMessage("What is 3 plus 4?")],
            new ChatCompletionOptions { MaxOutputTokenCount = 4 });
        Assert.NotEqual(ChatFinishReason.ContentFilter, answered.FinishReason);
        Assert.Equal(1, await Sequences(http));

        using var anonymous = s.Client(key: null);
        string body = JsonSerializer.Serialize(new { model = "llmlab-demo-untrained", messages = new[] { new { role = "user",
            content = unsafePrompt } } });
        Assert.Equal(401, (int)(await anonymous.PostAsync("/v1/chat/completions", TestServer.Json(body))).StatusCode);
        var bad = await http.PostAsync("/v1/chat/completions", TestServer.Json("""{"model":"llmlab-demo-untrained","messages":"x"}"""));
        Assert.Equal(400, (int)bad.StatusCode);
        var wrongModel = await http.PostAsync("/v1/chat/completions", TestServer.Json(body.Replace("llmlab-demo-untrained", "other")));
        Assert.Equal(404, (int)wrongModel.StatusCode);
        var r = await http.PostAsync("/v1/chat/completions", TestServer.Json(body));
        Assert.Equal("refused", r.Headers.GetValues("X-Refusal-Gate").Single());
        // The gate reads messages as the handler does: text it cannot decode is the handler's 400, never a 500.
        foreach (string content in new[] { "\"a\\ud800b\"", "[{\"type\":\"text\",\"text\":\"a\\ud800b\"}]" })
        {
            var surrogate = await http.PostAsync("/v1/chat/completions", TestServer.Json(
                $$"""{"model":"llmlab-demo-untrained","messages":[{"role":"user","content":{{content}}}]}"""));
            Assert.Equal(400, (int)surrogate.StatusCode);
        }
    }
}
