using LlmLab.Nn.Recurrent;
using LlmLab.Runtime;

namespace LlmLab.Tests.Nn;

public sealed class RecurrentSamplerTests
{
    public RecurrentSamplerTests() => TorchRuntime.EnsureLoaded(1);

    [Fact]
    public void Same_seed_same_sample_other_seed_other_sample()
    {
        using var model = new RecurrentLanguageModel(new RecurrentLmConfig(RecurrentKind.Lstm, 30, 8, 16));
        int[] a = RecurrentSampler.Sample(model, [1, 2, 3], 60, 1.0, seed: 42);
        int[] b = RecurrentSampler.Sample(model, [1, 2, 3], 60, 1.0, seed: 42);
        int[] c = RecurrentSampler.Sample(model, [1, 2, 3], 60, 1.0, seed: 43);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.All(a, t => Assert.InRange(t, 0, 29));
        Assert.True(model.training, "the model's mode is restored");
    }

    [Fact]
    public void A_low_temperature_concentrates_on_the_likeliest_token()
    {
        using var model = new RecurrentLanguageModel(new RecurrentLmConfig(RecurrentKind.Gru, 10, 4, 8));
        int distinctCold = RecurrentSampler.Sample(model, [0], 200, 0.01, seed: 1).Distinct().Count();
        int distinctHot = RecurrentSampler.Sample(model, [0], 200, 5.0, seed: 1).Distinct().Count();
        Assert.True(distinctCold < distinctHot, $"T=0.01: {distinctCold} distinct tokens, T=5: {distinctHot}");
    }

    [Fact]
    public void Draw_follows_the_cumulative_distribution()
    {
        var rng = new Random(0);
        var counts = new int[3];
        for (int i = 0; i < 30_000; i++) counts[RecurrentSampler.Draw([0.2, 0.0, 0.8], rng)]++;
        Assert.Equal(0, counts[1]);
        Assert.InRange(counts[0] / 30_000.0, 0.19, 0.21);
    }

    [Fact]
    public void Bad_arguments_name_the_fix()
    {
        using var model = new RecurrentLanguageModel(new RecurrentLmConfig(RecurrentKind.Rnn, 5, 2, 3));
        Assert.Contains("temperature", Assert.Throws<ArgumentOutOfRangeException>(() => RecurrentSampler.Sample(model, [0], 5, 0, 1)).Message);
        Assert.Contains("at least one token", Assert.Throws<ArgumentException>(() => RecurrentSampler.Sample(model, [], 5, 1, 1)).Message);
    }
}
