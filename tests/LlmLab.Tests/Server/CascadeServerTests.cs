using System.Net;
using System.Text.Json.Nodes;
using LlmLab.Inference;
using LlmLab.Monitoring.Cascade;
using LlmLab.Server;
using LlmLab.Tests.Alignment;

namespace LlmLab.Tests.Server;

public sealed class CascadeServerTests
{
    const string Question = """{"messages":[{"role":"user","content":"What is 2 plus 3?"}],"max_tokens":4,"temperature":0}""";

    [Theory]
    [InlineData(0.0, "small", 0)]      // confidence is never below 0: the small model always answers
    [InlineData(1.0, "large", 1)]      // exp(mean log-prob) < 1 for any real answer: always escalated
    public async Task The_chat_route_answers_through_the_cascade_and_counts_escalations(double threshold, string who, int escalations)
    {
        using var small = AlignmentFixtures.Policy(seed: 7);
        using var large = AlignmentFixtures.Policy(seed: 8);
        var tok = AlignmentFixtures.Tokenizer;
        using var s = new LocalChatClient(new GenerationEngine(small, tok), "small", ChatTemplate.Chat);
        using var l = new LocalChatClient(new GenerationEngine(large, tok), "large", ChatTemplate.Chat);
        var cascade = new CascadeChatClient(s, l, new MeanLogProbScorer(), threshold, ModelPrice.FromParameters(small.ParameterCount),
            ModelPrice.FromParameters(large.ParameterCount), "demo");
        await using var server = await TestServer.StartAsync(o => o with { Cascade = new CascadeEndpoint(cascade, o) });
        using var http = server.Client();
        var r = await http.PostAsync("/v1/chat/completions", TestServer.Json(Question));
        string text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal(who, r.Headers.GetValues("X-LlmLab-Cascade").Single());
        var body = JsonNode.Parse(text)!;
        Assert.Equal("chat.completion", body["object"]!.GetValue<string>());
        Assert.True(body["usage"]!["prompt_tokens"]!.GetValue<int>() > 0);
        var streamed = await http.PostAsync("/v1/chat/completions", TestServer.Json(Question.Replace("\"temperature\":0", "\"stream\":true",
            StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.BadRequest, streamed.StatusCode);
        Assert.Contains("stream", await streamed.Content.ReadAsStringAsync());
        string metrics = await http.GetStringAsync("/metrics");
        Assert.Matches($"llmlab_cascade_escalations_total\\{{[^}}]*\\}} {escalations}\\b", metrics);
        Assert.Matches("llmlab_cascade_requests_total\\{[^}]*\\} 1\\b", metrics);
        Assert.Equal((1L, (long)escalations), (cascade.Totals.Questions, cascade.Totals.Escalations));
    }
}
