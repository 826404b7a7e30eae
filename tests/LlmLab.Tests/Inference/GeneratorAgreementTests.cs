using LlmLab.Inference;
using LlmLab.Nn.Gpt;
using LlmLab.Tests.Nn;
using LlmLab.Tokenization;

namespace LlmLab.Tests.Inference;

/// <summary>The teaching generator of lab 4.1 (<see cref="GptGenerator"/>) and the serving engine (<see cref="GenerationEngine"/>,
/// behind <c>generate</c> and <c>serve</c>) decode the same tokens from the same model, greedy and seeded.</summary>
public sealed class GeneratorAgreementTests
{
    static readonly CharTokenizer Chars = CharTokenizer.Build(["abcdefghijklmnopqrstuvwxyz .,!?0123456789:\n"]);

    [Theory]
    [InlineData("learned")]
    [InlineData("rope-gqa-swiglu-rmsnorm")]
    public void Greedy_and_seeded_sampling_agree(string variant)
    {
        using var model = GptTestModels.BuildIdentical(GptTestModels.Variant(variant) with { VocabSize = Chars.VocabSize });
        var engine = new GenerationEngine(model, Chars);
        int[] prompt = Chars.Encode("hello there");

        var greedy = GptGenerator.Generate(model, prompt, 20, GptSamplingOptions.Greedy);
        Assert.Equal(greedy, engine.Generate(prompt, SamplingParams.Greedy(20)).Tokens);

        foreach (int seed in new[] { 1, 2, 3 })
        {
            var teaching = GptGenerator.Generate(model, prompt, 20, new GptSamplingOptions(0.9, TopK: 8, Seed: seed));
            var served = engine.Generate(prompt, new SamplingParams(Temperature: 0.9, TopK: 8, MaxTokens: 20, Seed: seed)).Tokens;
            Assert.Equal(teaching, served);
        }
    }
}
