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
}
