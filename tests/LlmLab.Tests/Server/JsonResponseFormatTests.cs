using System.ClientModel;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;

namespace LlmLab.Tests.Server;

/// <summary>Issue 21, item 5: response_format json_object and json_schema by constrained decoding, through the official
/// OpenAI .NET client. The model is the untrained demo (its unconstrained text is noise), so every reply that ends with
/// <c>stop</c> parsing and fitting the schema shows the grammar at work; a reply cut by max_tokens ends with
/// <c>length</c>, as in vLLM.</summary>
public sealed class JsonResponseFormatTests : IAsyncLifetime
{
    const string Person = """
        {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"},"ok":{"type":"boolean"},
         "tags":{"type":"array","items":{"enum":["a","b"]},"maxItems":3},"score":{"type":["number","null"]}},
         "required":["name","age","ok","tags","score"],"additionalProperties":false}
        """;

    TestServer _s = null!;

    public async Task InitializeAsync() => _s = await TestServer.StartAsync(context: 256);

    public async Task DisposeAsync() => await _s.DisposeAsync();

    ChatClient Chat() => new(LlmLab.Server.DemoModel.ModelId, new ApiKeyCredential(TestServer.Key), new OpenAIClientOptions { Endpoint = new Uri(_s.Base, "v1") });

#pragma warning disable OPENAI001 // Seed is marked experimental in the client
    async Task<List<ChatCompletion>> Sample(ChatResponseFormat format, int count, int maxTokens)
    {
        var chat = Chat();
        var tasks = Enumerable.Range(0, count).Select(i => chat.CompleteChatAsync([new UserChatMessage($"give JSON {i}")],
            new ChatCompletionOptions { ResponseFormat = format, Temperature = 1, MaxOutputTokenCount = maxTokens, Seed = 1000 + i }));
        return [.. (await Task.WhenAll(tasks)).Select(r => r.Value)];
    }
#pragma warning restore OPENAI001

    [Fact]
    public async Task Every_json_schema_reply_that_stops_parses_and_fits_the_schema()
    {
        var replies = await Sample(ChatResponseFormat.CreateJsonSchemaFormat("person", BinaryData.FromString(Person), jsonSchemaIsStrict: true), 100, maxTokens: 120);
        int stopped = 0;
        foreach (var r in replies)
        {
            Assert.Contains(r.FinishReason, new[] { ChatFinishReason.Stop, ChatFinishReason.Length });
            if (r.FinishReason != ChatFinishReason.Stop) continue;
            stopped++;
            using var doc = JsonDocument.Parse(r.Content[0].Text);
            LlmLab.Tests.Inference.JsonGrammarTests.CheckPerson(doc.RootElement);
        }
        Assert.True(stopped >= 10, $"only {stopped} of 100 replies finished within 120 tokens: the test shows too little");
    }

    [Fact]
    public async Task Every_json_object_reply_that_stops_is_a_json_object()
    {
        var replies = await Sample(ChatResponseFormat.CreateJsonObjectFormat(), 100, maxTokens: 40);
        var stopped = replies.Where(r => r.FinishReason == ChatFinishReason.Stop).ToList();
        Assert.All(replies, r => Assert.Contains(r.FinishReason, new[] { ChatFinishReason.Stop, ChatFinishReason.Length }));
        Assert.All(stopped, r => Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(r.Content[0].Text).RootElement.ValueKind));
        Assert.True(stopped.Count >= 10, $"only {stopped.Count} of 100 replies finished");
        // A reply cut by max_tokens is a prefix, not a value: finish_reason says so.
        var cut = await Chat().CompleteChatAsync([new UserChatMessage("x")], new ChatCompletionOptions
        {
            ResponseFormat = ChatResponseFormat.CreateJsonObjectFormat(), MaxOutputTokenCount = 1,
        });
        Assert.Equal((ChatFinishReason.Length, "{"), (cut.Value.FinishReason, cut.Value.Content[0].Text));
    }

    [Fact]
    public async Task A_schema_outside_the_subset_is_a_400_naming_the_keyword()
    {
        var e = await Assert.ThrowsAsync<ClientResultException>(() => Chat().CompleteChatAsync([new UserChatMessage("x")], new ChatCompletionOptions
        {
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("s", BinaryData.FromString("""{"type":"string","pattern":"^a+$"}""")),
        }));
        Assert.Equal(400, e.Status);
        Assert.Contains("pattern", e.Message);
    }
}
