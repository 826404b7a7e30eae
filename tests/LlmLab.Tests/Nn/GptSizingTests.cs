using System.Diagnostics;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;

namespace LlmLab.Tests.Nn;

public sealed class GptSizingTests
{
    [Fact]
    public void Gpt2_small_has_124_439_808_parameters_by_formula()
    {
        // HF gpt2 / nanoGPT's from_pretrained('gpt2'): 124,439,808 with the head tied to wte.
        Assert.Equal(124_439_808, GptSizing.ParameterCount(GptConfig.Gpt2Small));
        // Untied, the head adds V·d = 50,257 × 768.
        Assert.Equal(124_439_808 + 50_257L * 768, GptSizing.ParameterCount(GptConfig.Gpt2Small with { TieWordEmbeddings = false }));
    }

    [Fact]
    public void Gpt2_small_built_on_the_meta_device_has_the_same_count()
    {
        // The meta device builds every module with shapes and no memory (on the CPU, allocating and initialising the
        // ~500 MB took ~11 s here: too slow for a unit test).
        TorchRuntime.EnsureLoaded(1);
        var watch = Stopwatch.StartNew();
        using var model = new GptModel(GptConfig.Gpt2Small, TorchSharp.torch.META);
        Assert.Equal(TorchSharp.DeviceType.META, model.parameters().First().device_type);
        Assert.Equal(124_439_808, model.ParameterCount);
        Assert.Equal(GptSizing.ParameterCount(GptConfig.Gpt2Small), model.ParameterCount);
        // Names as nanoGPT/HF GPT-2 spell them (no lm_head.weight: tied).
        var names = model.named_parameters().Select(p => p.name).ToHashSet();
        foreach (string n in new[] { "wte.weight", "wpe.weight", "h.0.ln_1.weight", "h.0.attn.c_attn.weight", "h.11.mlp.c_proj.bias", "ln_f.bias" })
            Assert.Contains(n, names);
        Assert.DoesNotContain("lm_head.weight", names);
        Assert.True(watch.Elapsed.TotalSeconds < 10, $"building GPT-2 small took {watch.Elapsed.TotalSeconds:0.0} s");
    }

    [Theory]
    [MemberData(nameof(GptTestModels.Variants), MemberType = typeof(GptTestModels))]
    public void The_formula_counts_what_the_built_model_holds(string variant)
    {
        var config = GptTestModels.Variant(variant);
        using var model = GptTestModels.Build(config);
        Assert.Equal(model.ParameterCount, GptSizing.ParameterCount(config));
    }

    [Fact]
    public void Swiglu_default_width_keeps_the_mlp_at_eight_d_squared()
    {
        var c = GptTestModels.Tiny with { Width = 48, Heads = 4, Mlp = FeedForwardKind.SwiGlu, Bias = false };
        Assert.Equal(128, c.FeedForwardWidth);                        // 8·48/3 = 128
        Assert.Equal(136, (c with { Width = 50, Heads = 5 }).FeedForwardWidth); // 133.3 → 136 (a multiple of 8)
        Assert.Equal(192, (GptTestModels.Tiny with { Width = 48, Heads = 4 }).FeedForwardWidth); // GELU: 4·d
        Assert.Equal(100, (c with { IntermediateSize = 100 }).FeedForwardWidth);
    }

    [Fact]
    public void Flops_per_token_follow_nanogpt_estimate_mfu()
    {
        // N = 124,439,808 − 1,024·768 (wpe) = 123,653,376; 6N = 741,920,256; 12·L·H·Q·T = 12·12·12·64·1,024 = 113,246,208.
        Assert.Equal(123_653_376, GptSizing.NonEmbeddingParameterCount(GptConfig.Gpt2Small));
        Assert.Equal(855_166_464, GptSizing.FlopsPerToken(GptConfig.Gpt2Small, 1024));
        // RoPE has no position table: N is the full count.
        var rope = GptTestModels.Tiny with { PositionEmbedding = PositionEmbeddingKind.Rope };
        Assert.Equal(GptSizing.ParameterCount(rope), GptSizing.NonEmbeddingParameterCount(rope));
        Assert.Throws<ArgumentOutOfRangeException>(() => GptSizing.FlopsPerToken(rope, 0));
    }
}
