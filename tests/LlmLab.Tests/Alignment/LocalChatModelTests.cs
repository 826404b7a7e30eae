using System.Text.Json.Nodes;
using LlmLab.Alignment;
using LlmLab.Inference;
using LlmLab.Tests.Text;
using Microsoft.Extensions.AI;

namespace LlmLab.Tests.Alignment;

/// <summary>The one "local checkpoint → IChatClient" factory that chat, agent, prompt providers and lab 8.2 use.</summary>
public sealed class LocalChatModelTests
{
    [Fact]
    public async Task It_answers_as_the_model_it_loaded_would_with_the_recorded_template()
    {
        using var dir = new TempDir();
        using var model = AlignmentFixtures.Policy();
        var info = ChatCheckpoint.Write(dir.Path, 1, model, AlignmentFixtures.Tokenizer, "sft",
            new JsonObject { ["chat_template"] = ChatTemplate.Chat.Name });
        var greedy = new SamplingParams(Temperature: 0, MaxTokens: 12);

        using var local = LocalChatModel.Open(dir.Path, greedy, PromptOverflow.TruncateLeft);
        Assert.Same(ChatTemplate.Chat, local.Template);
        Assert.Equal(info.Directory, local.Checkpoint.Directory);
        Assert.Equal(Path.GetFileName(dir.Path), local.Client.ModelId);
        // Reference: the original model in memory behind a client built by hand with the same template and sampling.
        var byHand = new LocalChatClient(new GenerationEngine(model, AlignmentFixtures.Tokenizer, PromptOverflow.TruncateLeft), "x",
            ChatTemplate.Chat, greedy);
        var question = new[] { new ChatMessage(ChatRole.User, "what is 2 + 3?") };
        Assert.Equal((await byHand.GetResponseAsync(question)).Text, (await local.Client.GetResponseAsync(question)).Text);
    }

    [Fact]
    public void A_missing_checkpoint_is_an_input_error_and_a_base_model_gets_the_transcript()
    {
        using var dir = new TempDir();
        Assert.Throws<InputException>(() => LocalChatModel.Open(Path.Combine(dir.Path, "nope"), new SamplingParams(), PromptOverflow.Error));
        using var model = AlignmentFixtures.Policy();
        ChatCheckpoint.Write(dir.Path, 1, model, AlignmentFixtures.Tokenizer, "train", new JsonObject { ["steps"] = 1 });
        using var local = LocalChatModel.Open(dir.Path, new SamplingParams(), PromptOverflow.Error, "mine");
        Assert.Same(ChatTemplate.Transcript, local.Template);
        Assert.Equal("mine", local.Client.ModelId);
    }
}
