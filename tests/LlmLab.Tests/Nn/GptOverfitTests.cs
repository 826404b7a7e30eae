using LlmLab.Nn.Gpt;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

public sealed class GptOverfitTests
{
    [Theory]
    [InlineData("learned")]
    [InlineData("rope-gqa-swiglu-rmsnorm")]
    public void A_tiny_model_memorises_one_batch(string variant)
    {
        var config = GptTestModels.Variant(variant) with { VocabSize = 16, Context = 16 };
        using var model = GptTestModels.Build(config, seed: 2);
        model.train();
        using var scope = NewDisposeScope();
        var x = GptTestModels.Tokens(4, 16, 16, seed: 3);
        var y = GptTestModels.Tokens(4, 16, 16, seed: 4); // random targets: only memorising can fit them
        using var opt = optim.AdamW(model.parameters(), lr: 1e-2, weight_decay: 0);
        double first = 0, last = 0;
        for (int step = 0; step < 150; step++)
        {
            using var s = NewDisposeScope();
            opt.zero_grad();
            var (_, loss) = model.Forward(x, y);
            loss.backward();
            opt.step();
            last = loss.item<float>();
            if (step == 0) first = last;
        }
        Assert.InRange(first, Math.Log(16) - 0.2, Math.Log(16) + 0.2); // GPT-2 init: near-uniform predictions, loss ≈ ln V
        Assert.True(last < 0.05, $"{variant}: loss after 150 steps is {last:0.0000}, expected < 0.05");
    }
}
