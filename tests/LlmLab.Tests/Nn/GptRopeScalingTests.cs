using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

/// <summary>RoPE's long-context rescaling (config rope_scaling): the llama3 and linear rules checked against frequencies
/// worked out by hand from Meta's Llama 3.1 description, then the tables and the model built from them.</summary>
public sealed class GptRopeScalingTests
{
    public GptRopeScalingTests() => TorchRuntime.EnsureLoaded(1);

    static RopeScaling Llama3 => new()
    {
        RopeType = "llama3", Factor = 8, LowFreqFactor = 1, HighFreqFactor = 4, OriginalMaxPositionEmbeddings = 1024,
    };

    [Fact]
    public void Llama3_keeps_high_frequencies_divides_low_ones_and_blends_between()
    {
        // hs = 8, θ = 10,000: θᵢ = 1, 0.1, 0.01, 0.001; wavelengths 2π/θᵢ = 6.28, 62.8, 628.3, 6283.2. With L = 1024,
        // low = 1, high = 4: wavelengths under 1024/4 = 256 keep θᵢ (pairs 0, 1); over 1024/1 are divided by 8 (pair 3:
        // 0.000125); pair 2 blends with s = (1024/628.3185 − 1)/(4 − 1) = 0.2099155: (1 − s)·0.01/8 + s·0.01 = 0.0030867610.
        double[] inv = RopeScaling.InverseFrequencies(8, 10000, Llama3);
        double[] expected = [1.0, 0.1, 0.0030867609670, 0.000125];
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], inv[i], 1e-12);
    }

    [Fact]
    public void Linear_divides_every_frequency_by_the_factor_and_none_leaves_them()
    {
        double[] plain = RopeScaling.InverseFrequencies(8, 10000, null);
        Assert.Equal([1.0, 0.1, 0.01, 0.001], plain.Select(x => Math.Round(x, 12)));
        double[] linear = RopeScaling.InverseFrequencies(8, 10000, new RopeScaling { Type = "linear", Factor = 4 });
        Assert.Equal([0.25, 0.025, 0.0025, 0.00025], linear.Select(x => Math.Round(x, 12)));
    }

    [Fact]
    public void The_rotary_tables_turn_each_pair_by_its_scaled_angle()
    {
        using var scope = NewDisposeScope();
        using var rope = new RotaryEmbedding(headSize: 8, positions: 600, scaling: Llama3);
        // Pair 2 at position 500: angle 500 × 0.0030867610 = 1.5433805 rad (cos = 0.0274138…).
        var values = new float[600 * 8];
        for (int m = 0; m < 600; m++) values[m * 8 + 2] = 1; // channel 2 = the first half of pair 2 (its partner is 6)
        var r = rope.Apply(tensor(values, [1, 1, 600, 8]), 0)[0, 0, 500].data<float>().ToArray();
        Assert.Equal(Math.Cos(500 * 0.0030867609670), r[2], 5);
        Assert.Equal(Math.Sin(500 * 0.0030867609670), r[6], 5);
    }

    [Fact]
    public void A_model_with_rope_scaling_builds_saves_and_reloads_its_config()
    {
        var config = GptTestModels.Variant("rope") with { RopeScaling = Llama3 };
        using var model = GptTestModels.Build(config);
        var back = GptConfig.FromJson(config.ToJson());
        Assert.Equal(config, back);
        using var plain = GptTestModels.Build(GptTestModels.Variant("rope"));
        using var scope = NewDisposeScope();
        var tokens = GptTestModels.Tokens(1, 24, config.VocabSize);
        // Same weights (same seed), different angles for pairs 2–3: the logits must move.
        Assert.True((model.forward(tokens) - plain.forward(tokens)).abs().max().item<float>() > 1e-5f);
    }

    [Theory]
    [InlineData("""{"rope_type": "yarn", "factor": 4}""", "rope_scaling.rope_type 'yarn'")]
    [InlineData("""{"rope_type": "llama3", "factor": 8}""", "needs low_freq_factor")]
    [InlineData("""{"rope_type": "linear", "factor": 0}""", "rope_scaling.factor")]
    [InlineData("""{"rope_type": "linear", "type": "llama3", "factor": 2}""", "disagree")]
    public void A_rescaling_we_do_not_compute_is_refused_by_key(string scaling, string message)
    {
        string json = """{"vocab_size": 50, "n_positions": 32, "n_embd": 32, "n_layer": 1, "n_head": 4, "position_embedding": "rope", """ +
            $$""" "rope_scaling": {{scaling}}}""";
        var e = Assert.Throws<InputException>(() => GptConfig.FromJson(json));
        Assert.Contains(message, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Rope_scaling_with_learned_positions_is_refused()
    {
        var e = Assert.Throws<InputException>(() => (GptTestModels.Tiny with { RopeScaling = Llama3 }).Validate());
        Assert.Contains("position_embedding = rope", e.Message);
    }
}
