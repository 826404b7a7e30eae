using System.Text.Json;
using LlmLab.Inference;
using LlmLab.Server;
using LlmLab.Tokenization;

namespace LlmLab.Tests.Server;

/// <summary>How a streamed tools reply is read, on scripted chunks (an untrained model never writes a call by itself):
/// text streams as it comes, a call is held and sent as OpenAI's tool-call deltas, a held reply that is no call is
/// sent as content at its end.</summary>
public sealed class ToolCallStreamTests
{
    static ToolCallStream Stream(string choice = "auto", bool parallel = true) =>
        new(new OpenAiRequest(true, [1], SamplingParams.Greedy(8), 1, true, false, 0, null,
            new ToolRequest([("get_weather", null)], choice, null, parallel, null)), "chatcmpl-1", 0, "m");

    /// <summary>The deltas and finish reasons sent for the scripted chunks, as JSON.</summary>
    static List<JsonElement> Run(ToolCallStream s, params string[] chunks)
    {
        var sent = new List<object>();
        for (int i = 0; i < chunks.Length; i++) sent.AddRange(s.Next(0, chunks[i], i == chunks.Length - 1 ? FinishReason.Stop : null));
        return [.. sent.Select(o => JsonDocument.Parse(JsonSerializer.Serialize(o)).RootElement.GetProperty("choices")[0].Clone())];
    }

    static string Content(IEnumerable<JsonElement> sent) => string.Concat(sent.Select(c =>
        c.GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : ""));

    [Fact]
    public void A_text_reply_streams_as_it_comes()
    {
        var s = Stream();
        Assert.Single(s.Next(0, "Hel", null));                              // sent at once: it cannot be a call
        Assert.Equal(2, s.Next(0, "lo", FinishReason.Stop).Count);          // the text, then the finish
        var rest = Run(Stream(), "Hel", "lo");
        Assert.Equal("Hello", Content(rest));
        Assert.Equal("stop", rest[^1].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public void A_call_is_held_then_sent_as_tool_call_deltas()
    {
        var sent = Run(Stream(), ChatTokens.ToolCall, """{"name":"get_weather",""", """ "arguments":{"city":"Oslo"}}""", "");
        Assert.Equal("", Content(sent));
        Assert.Equal(3, sent.Count);
        var head = sent[0].GetProperty("delta").GetProperty("tool_calls")[0];
        Assert.Equal((0, "function", "get_weather", ""), (head.GetProperty("index").GetInt32(), head.GetProperty("type").GetString(),
            head.GetProperty("function").GetProperty("name").GetString(), head.GetProperty("function").GetProperty("arguments").GetString()));
        Assert.StartsWith("call_", head.GetProperty("id").GetString());
        Assert.Equal("""{"city":"Oslo"}""", sent[1].GetProperty("delta").GetProperty("tool_calls")[0].GetProperty("function")
            .GetProperty("arguments").GetString());
        Assert.Equal("tool_calls", sent[2].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public void Parallel_calls_get_their_own_index_and_parallel_false_keeps_the_first()
    {
        string[] reply = [ChatTokens.ToolCall + """{"name":"get_weather","arguments":{"city":"Oslo"}}""",
            ChatTokens.ToolCall + """{"name":"get_weather","arguments":{"city":"Lima"}}"""];
        var indices = Run(Stream(), reply).Where(c => c.GetProperty("delta").TryGetProperty("tool_calls", out _))
            .Select(c => c.GetProperty("delta").GetProperty("tool_calls")[0].GetProperty("index").GetInt32());
        Assert.Equal([0, 0, 1, 1], indices);
        var one = Run(Stream(parallel: false), reply).Where(c => c.GetProperty("delta").TryGetProperty("tool_calls", out _)).ToList();
        Assert.Equal(2, one.Count);
        Assert.Contains("Oslo", one[1].GetRawText());
    }

    [Fact]
    public void A_held_reply_that_is_no_call_is_sent_as_content()
    {
        var sent = Run(Stream(), "{not", " json}");
        Assert.Equal("{not json}", Content(sent));
        Assert.Equal("stop", sent[^1].GetProperty("finish_reason").GetString());
        // A marker written as plain characters, cut across chunks, is held until it is decided.
        sent = Run(Stream(), "<|tool", "_call|>", """{"name":"get_weather","arguments":{}}""");
        Assert.Equal("tool_calls", sent[^1].GetProperty("finish_reason").GetString());
        sent = Run(Stream(), "<|to", "day|>");
        Assert.Equal("<|today|>", Content(sent));
    }
}
