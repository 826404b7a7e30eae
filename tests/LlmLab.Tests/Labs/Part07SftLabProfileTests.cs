using LlmLab.Alignment;
using LlmLab.Inference;
using LlmLab.Labs.Framework;
using LlmLab.Labs.Part07;
using LlmLab.Runtime;
using LlmLab.Text;
using LlmLab.Tokenization;
using LlmLab.Training;
using LlmLab.Tests.Alignment;

namespace LlmLab.Tests.Labs;

/// <summary>
/// Lab 7.1's quick settings leave every family answerable: with the quick profile's own tokenizer (BPE of its vocabulary
/// on its share of the default corpus) and data (its seed), every test conversation fits the context, nearly every
/// training one does, and every reference reply fits max_new_tokens. The quick profile once had a context of 128 and 40
/// new tokens, where 25 of 300 tool-call conversations could be trained on and none of the test ones fit: tool_call
/// scored 0 % whatever the model learned.
/// </summary>
public sealed class SftLabProfileTests
{
    [Fact]
    public void Every_family_fits_the_quick_profile_s_context_and_reply_budget()
    {
        var cfg = SftLabConfig.For(Profile.Quick);
        string text = CorpusText.Load(Corpora.Open(null), cfg.CorpusBytes);
        var chat = BpeTokenizer.Train([text], new BpeTrainingOptions(cfg.BpeVocab, Name: "lab-7.1")).WithChatTokens();
        var data = SyntheticDataset.Generate(TaskFamilies.All, new SyntheticDataOptions(cfg.TrainPerFamily, cfg.TestPerFamily,
            cfg.TestTemplates,
            cfg.Difficulty, Seeding.DeriveSeed(1337, "sft-data")));
        int Length(SyntheticExample x) => ChatTemplate.Chat.Encode(x.Messages, chat, addGenerationPrompt: false).Ids.Length;
        foreach (var family in TaskFamilies.All)
        {
            var train = data.Train.Where(x => x.Family == family.Name).ToList();
            var test = data.Test.Where(x => x.Family == family.Name).ToList();
            Assert.True(train.Count(x => Length(x) <= cfg.Context + 1) >= 0.9 * train.Count, $"{family.Name}: training conversations that fit");
            Assert.All(test, x => Assert.True(Length(x) <= cfg.Context + 1, $"{family.Name}: a test conversation of {Length(x)} tokens"));
            // the reply after the prompt, without <|end|>: what generation must produce for the checker to see it
            int reply = test.Max(x => Length(x) - ChatTemplate.Chat.Encode(x.Prompt, chat, addGenerationPrompt: true).Ids.Length - 1);
            Assert.True(reply <= cfg.MaxNewTokens, $"{family.Name}: a reference reply of {reply} tokens, max_new_tokens {cfg.MaxNewTokens}");
        }
    }

    [Fact]
    public void The_evaluator_counts_questions_whose_reference_reply_has_no_room()
    {
        using var model = AlignmentFixtures.Policy();
        model.eval();
        var test = AlignmentFixtures.Data.Test;
        var tight = SftEvaluator.Evaluate(model, AlignmentFixtures.Tokenizer, ChatTemplate.Chat, test, maxTokens: 1);
        // one new token leaves room only for references of one token (a short number)
        foreach (var s in tight)
            Assert.Equal(test.Count(x => x.Family == s.Family && AlignmentFixtures.Tokenizer.EncodeOrdinary(x.ReferenceText).Length > 1), s.NoRoom);
        Assert.Contains(tight, s => s.NoRoom > 0);
        var roomy = SftEvaluator.Evaluate(model, AlignmentFixtures.Tokenizer, ChatTemplate.Chat, test, maxTokens: 40);
        Assert.All(roomy, s => Assert.Equal(0, s.NoRoom));
    }
}
