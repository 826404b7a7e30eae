using LlmLab.Alignment;
using LlmLab.Tests.Nn;
using static TorchSharp.torch;

namespace LlmLab.Tests.Alignment;

public class VocabularyGrowthTests
{
    [Theory]
    [InlineData("learned")]
    [InlineData("untied-nobias")]
    public void Growing_keeps_every_old_logit_and_starts_new_rows_at_the_mean(string variant)
    {
        var config = GptTestModels.Variant(variant);
        using var model = GptTestModels.Build(config);
        using var grown = VocabularyGrowth.Grow(model, config.VocabSize + 6);
        grown.eval();
        using var scope = NewDisposeScope();
        var x = GptTestModels.Tokens(2, 8, config.VocabSize);
        var before = model.call(x);
        var after = grown.call(x);
        Assert.Equal(config.VocabSize + 6, (int)after.shape[^1]);
        Assert.True(after.narrow(-1, 0, config.VocabSize).sub(before).abs().max().item<float>() < 1e-6);
        var wte = grown.state_dict()["wte.weight"];
        var mean = model.state_dict()["wte.weight"].mean([0]);
        for (int i = 0; i < 6; i++) Assert.True(wte[config.VocabSize + i].sub(mean).abs().max().item<float>() < 1e-7);
        Assert.Throws<InputException>(() => VocabularyGrowth.Grow(model, config.VocabSize - 1));
    }

    [Theory]
    [InlineData("learned")]
    [InlineData("untied-nobias")]
    public void New_ids_inside_a_padded_vocabulary_take_the_mean_of_the_tokenizer_s_rows(string variant)
    {
        // A model of 50 rows whose tokenizer has 44 ids (a vocabulary padded as Qwen2's is): six chat tokens get ids 44..49,
        // rows the model has but no id used; then ten more ids (44..53) that also grow it past its 50 rows.
        var config = GptTestModels.Variant(variant);
        using var model = GptTestModels.Build(config);
        using var scope = NewDisposeScope();
        var x = GptTestModels.Tokens(2, 8, 44);
        var before = model.call(x);
        foreach (int size in new[] { 50, 54 })
        {
            using var grown = VocabularyGrowth.ForNewIds(model, 44, size);
            grown.eval();
            Assert.Equal(Math.Max(size, 50), grown.Config.VocabSize);
            Assert.True(grown.call(x).narrow(-1, 0, 44).sub(before.narrow(-1, 0, 44)).abs().max().item<float>() < 1e-6);
            foreach (string matrix in variant == "learned" ? new[] { "wte.weight" } : ["wte.weight", "lm_head.weight"])
            {
                var old = model.state_dict()[matrix];
                var mean = old.narrow(0, 0, 44).mean([0]);
                var rows = grown.state_dict()[matrix];
                for (int i = 44; i < size; i++) Assert.True(rows[i].sub(mean).abs().max().item<float>() < 1e-7, $"{matrix} row {i}");
                Assert.True(old[0].sub(rows[0]).abs().max().item<float>() == 0);
                // the test can fail: the padded rows were not the mean before
                Assert.True(old[45].sub(mean).abs().max().item<float>() > 1e-3);
            }
        }
        Assert.Throws<InputException>(() => VocabularyGrowth.ForNewIds(model, 51, 56));   // ids past the model's rows
        Assert.Throws<InputException>(() => VocabularyGrowth.ForNewIds(model, 44, 40));   // fewer ids than before the new ones
    }
}
