using LlmLab.Inference;
using LlmLab.Tests.Nn;
using LlmLab.Tokenization;
using Microsoft.Extensions.AI;

namespace LlmLab.Tests.Inference;

public class LocalChatClientTests
{
    static readonly CharTokenizer Chars = CharTokenizer.Build(["abcdefghijklmnopqrstuvwxyzASU .,!?:\n"]);

    static LocalChatClient Client()
    {
        var config = GptTestModels.Tiny with { Context = 64 };
        return new LocalChatClient(new GenerationEngine(GptTestModels.BuildIdentical(config), Chars), "tiny");
    }

    [Fact]
    public void The_transcript_template_renders_roles_and_opens_the_assistant_turn()
    {
        string prompt = ChatTemplate.Transcript.Render([new(ChatRole.User, "hi"), new(ChatRole.Assistant, "hello"), new(ChatRole.User, "and?")], "be brief");
        Assert.Equal("System: be brief\n\nUser: hi\n\nAssistant: hello\n\nUser: and?\n\nAssistant:", prompt);
        Assert.Contains("\n\nUser:", ChatTemplate.Transcript.Stops);
        Assert.Throws<InputException>(() => ChatTemplate.Transcript.Render([]));
        Assert.Throws<InputException>(() => ChatTemplate.Transcript.Render([new(ChatRole.Tool, "x")]));
    }

    [Fact]
    public async Task A_response_and_a_stream_agree_and_report_usage()
    {
        using IChatClient client = Client();
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = 10 };
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], options);
        Assert.Equal("tiny", response.ModelId);
        Assert.NotNull(response.Usage);
        Assert.Equal(10, response.Usage!.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(Chars.Encode("User: hi\n\nAssistant:").Length, (int)response.Usage.InputTokenCount!);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], options)) updates.Add(u);
        Assert.Equal(response.Text, string.Concat(updates.Select(u => u.Text)).Trim());
        Assert.Equal(ChatFinishReason.Length, updates[^1].FinishReason);
    }

    [Fact]
    public void Options_map_to_sampling_parameters_and_bad_ones_are_refused()
    {
        using var client = Client();
        var p = client.ToSamplingParams(new ChatOptions { Temperature = 0.5f, TopP = 0.9f, TopK = 7, MaxOutputTokens = 3, Seed = 11, StopSequences = ["!"] });
        Assert.Equal(0.5, p.Temperature, 6);
        Assert.Equal(0.9, p.TopP, 6);
        Assert.Equal(7, p.TopK);
        Assert.Equal(3, p.MaxTokens);
        Assert.Equal(11, p.Seed);
        Assert.Contains("!", p.Stop!);
        Assert.Contains("top_p", Assert.Throws<InputException>(() => client.ToSamplingParams(new ChatOptions { TopP = 0 })).Message);
        Assert.Same(client, client.GetService(typeof(IChatClient)));
    }
}
