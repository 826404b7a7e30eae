using System.Text.Json.Nodes;
using LlmLab.Alignment;
using LlmLab.Inference;
using LlmLab.Tests.Text;
using LlmLab.Training;

namespace LlmLab.Tests.Alignment;

/// <summary>Every fine-tuning command's checkpoint is served with the chat template it was trained with.</summary>
public sealed class ChatCheckpointTests
{
    [Theory]
    [InlineData("sft")]
    [InlineData("dpo")]
    [InlineData("ppo")]
    public void The_template_a_section_records_is_the_one_read_back(string section)
    {
        using var dir = new TempDir();
        using var model = AlignmentFixtures.Policy();
        var info = ChatCheckpoint.Write(dir.Path, 1, model, AlignmentFixtures.Tokenizer, section,
            new JsonObject { ["chat_template"] = ChatTemplate.Chat.Name });
        Assert.Same(ChatTemplate.Chat, ChatCheckpoint.TemplateOf(Checkpoint.Load(info.Directory)));
    }

    [Fact]
    public void A_checkpoint_without_a_recorded_template_gets_the_transcript()
    {
        using var dir = new TempDir();
        using var model = AlignmentFixtures.Policy();
        var info = ChatCheckpoint.Write(dir.Path, 1, model, AlignmentFixtures.Tokenizer, "train", new JsonObject { ["steps"] = 1 });
        Assert.Same(ChatTemplate.Transcript, ChatCheckpoint.TemplateOf(Checkpoint.Load(info.Directory)));
    }
}
