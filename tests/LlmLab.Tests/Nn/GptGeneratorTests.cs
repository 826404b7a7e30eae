using LlmLab.Nn.Gpt;

namespace LlmLab.Tests.Nn;

public sealed class GptGeneratorTests
{
    [Theory]
    [InlineData("learned")]
    [InlineData("rope-gqa-swiglu-rmsnorm")]
    public void Cached_and_uncached_generation_give_the_same_tokens(string variant)
    {
        var config = GptTestModels.Variant(variant) with { Context = 12 };
        using var model = GptTestModels.Build(config, seed: 4);
        int[] prompt = [3, 14, 15, 9, 2];
        // 20 tokens: past the 12-token context, so the crop (and the cache's re-read of the window) is exercised.
        var cached = GptGenerator.Generate(model, prompt, 20, GptSamplingOptions.Greedy);
        var uncached = GptGenerator.Generate(model, prompt, 20, GptSamplingOptions.Greedy with { UseKvCache = false });
        Assert.Equal(uncached, cached);
        var sampled = new GptSamplingOptions(Temperature: 1.5, TopK: 10, Seed: 5);
        Assert.Equal(GptGenerator.Generate(model, prompt, 20, sampled with { UseKvCache = false }), GptGenerator.Generate(model, prompt, 20, sampled));
        Assert.All(cached, t => Assert.InRange(t, 0, config.VocabSize - 1));
    }

    [Fact]
    public void Sampling_is_reproducible_with_a_seed_and_top_1_is_greedy()
    {
        using var model = GptTestModels.Build(GptTestModels.Tiny, seed: 4);
        int[] prompt = [1, 2, 3];
        var a = GptGenerator.Generate(model, prompt, 15, new GptSamplingOptions(Temperature: 2, Seed: 1));
        Assert.Equal(a, GptGenerator.Generate(model, prompt, 15, new GptSamplingOptions(Temperature: 2, Seed: 1)));
        Assert.NotEqual(a, GptGenerator.Generate(model, prompt, 15, new GptSamplingOptions(Temperature: 2, Seed: 2)));
        Assert.Equal(GptGenerator.Generate(model, prompt, 15, GptSamplingOptions.Greedy),
                     GptGenerator.Generate(model, prompt, 15, new GptSamplingOptions(Temperature: 1, TopK: 1, Seed: 9)));
        Assert.False(model.training); // Build left it in eval mode; the generator restored that
    }

    [Fact]
    public void Pick_keeps_only_the_top_k()
    {
        double[] logits = [0, 5, 1, 4, -2];
        var rng = new Random(1);
        var seen = Enumerable.Range(0, 500).Select(_ => GptGenerator.Pick(logits, new GptSamplingOptions(Temperature: 10, TopK: 2), rng)).ToHashSet();
        Assert.Equal(new HashSet<int> { 1, 3 }, seen);
        Assert.Equal(1, GptGenerator.Pick(logits, GptSamplingOptions.Greedy, rng));
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        using var model = GptTestModels.Build(GptTestModels.Tiny);
        Assert.Throws<ArgumentException>(() => GptGenerator.Generate(model, [], 3, GptSamplingOptions.Greedy));
        Assert.Contains("temperature", Assert.Throws<ArgumentException>(() => GptGenerator.Generate(model, [1], 3, new GptSamplingOptions(Temperature: -1))).Message);
        Assert.Contains("top-k", Assert.Throws<ArgumentException>(() => GptGenerator.Generate(model, [1], 3, new GptSamplingOptions(TopK: 0))).Message);
    }
}
