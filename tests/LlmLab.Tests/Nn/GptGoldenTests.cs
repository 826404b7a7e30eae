using LlmLab.Nn;
using LlmLab.Nn.Attention;
using LlmLab.Nn.Gpt;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

/// <summary>
/// Our <see cref="GptModel"/> against PyTorch (the goldens of <c>bench/pytorch/make_gpt_golden.py</c>, see
/// <see cref="GptGolden"/>), in the manner of llm.c's <c>test_gpt2</c>: the same weights and tokens must give PyTorch's
/// logits, loss and every gradient, with each attention kernel, with and without the KV cache, and 10 steps of our AdamW
/// must give PyTorch's AdamW losses. Cases: GPT-2's shape (from the bench's own PyTorch model) and four variants
/// covering RoPE, RMSNorm, SwiGLU, grouped-query and multi-query attention, untied heads, bias-free layers and
/// Mixture-of-Experts blocks (whose auxiliary loss is checked, and is part of the objective that the gradients and the
/// AdamW steps follow: cross-entropy + aux, as <see cref="LlmLab.Nn.Moe.MoeTrainingLoss"/> trains).
/// <para>Tolerances. The golden is the exact function (float64 from the fp32 weights), so a difference is our fp32
/// rounding alone: ~1e-7 relative per operation (fp32's ε = 1.2e-7), accumulated over a few dozen operations in sequence
/// (2 blocks of norm, attention and MLP; sums of up to 128 terms). PyTorch's own fp32 forward lands 1.5e-6 from the
/// float64 logits (<c>make_gpt_golden.py --sensitivity</c>); ours, measured here with every kernel, with and without the
/// cache: logits ≤ 2e-6, loss ≤ 7e-7, gradients ≤ 1.2e-6 of each tensor's largest |gradient|, AdamW losses ≤ 7e-7.
/// Allowed, about 5–15× those: logits 1e-5 absolute + 1e-5 relative, loss 5e-6, each gradient tensor 1e-5 of its largest
/// |gradient| absolute (a gradient's small entries are differences of larger terms, so their error scales with the
/// tensor, not with themselves) + 1e-5 relative, each AdamW loss 1e-5 — room for another CPU's summation order, and still
/// ~100× below the smallest defect the script measured: RMSNorm's ε outside the square root moves the logits by 1.1e-3,
/// GELU's tanh form by 1.0e-3, RoPE pairing neighbours instead of halves by 2.2; weight decay on every tensor moves the
/// AdamW losses by 1.2e-2, β₂ = 0.999 instead of 0.95 by 6.8e-3.</para>
/// </summary>
public sealed class GptGoldenTests(ITestOutputHelper output)
{
    static readonly string[] Models = ["gpt2", "llama", "rope-mqa", "swiglu-rmsnorm-bias", "moe-gpt"];

    static readonly TensorComparison.Tolerance LogitTolerance = new(1e-5, 1e-5);
    const double LossTolerance = 5e-6, AdamWLossTolerance = 1e-5, GradientShare = 1e-5;

    public static TheoryData<string, AttentionKernel> ModelsAndKernels()
    {
        var data = new TheoryData<string, AttentionKernel>();
        foreach (string m in Models)
            foreach (var k in Enum.GetValues<AttentionKernel>()) data.Add(m, k);
        return data;
    }

    static GptModel Build(string name, AttentionKernel kernel)
    {
        var golden = GptGolden.Instance;
        var model = GptTestModels.Build(golden.Config(name) with { Attention = kernel });
        golden.LoadInto(model, name);
        return model;
    }

    /// <summary>The training objective of the golden: cross-entropy, plus the MoE layers' auxiliary loss when there are any.</summary>
    static Tensor Objective(GptModel model, string name)
    {
        var g = GptGolden.Instance;
        var (_, loss) = model.Forward(g[$"{name}/idx"], g[$"{name}/targets"]);
        return model.AuxiliaryLoss is { } aux ? loss + aux : loss;
    }

    [Fact]
    public void The_golden_holds_every_case_these_tests_name_and_every_kernel_is_covered()
    {
        Assert.Equal(Models, GptGolden.Instance.CaseNames("gpt"));
        Assert.Equal([AttentionKernel.Naive, AttentionKernel.Tiled, AttentionKernel.Sdpa], Enum.GetValues<AttentionKernel>());
    }

    [Theory]
    [MemberData(nameof(ModelsAndKernels))]
    public void Logits_and_loss_equal_pytorchs(string name, AttentionKernel kernel)
    {
        var g = GptGolden.Instance;
        using var model = Build(name, kernel);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (logits, loss) = model.Forward(g[$"{name}/idx"], g[$"{name}/targets"]);
        var c = TensorAssert.Close(logits, g[$"{name}/logits"], $"{name} ({kernel}): logits vs PyTorch", LogitTolerance);
        if (model.Config.IsMixtureOfExperts)
            TensorAssert.Close(model.AuxiliaryLoss!.to(float64), g[$"{name}/aux"], $"{name} ({kernel}): MoE auxiliary loss vs PyTorch",
                new(LossTolerance, LossTolerance));
        double ours = loss.item<float>(), theirs = g[$"{name}/loss"].item<double>();
        output.WriteLine($"{name} {kernel}: logits max |Δ| {c.MaxSummary()}, loss {ours:R} vs {theirs:R} " +
            $"(|Δ| {Math.Abs(ours - theirs):G3})");
        Assert.True(Math.Abs(ours - theirs) <= LossTolerance, $"{name} ({kernel}): loss {ours:R} vs PyTorch's {theirs:R}");
    }

    [Theory]
    [MemberData(nameof(ModelsAndKernels))]
    public void Every_gradient_equals_pytorchs(string name, AttentionKernel kernel)
    {
        var g = GptGolden.Instance;
        using var model = Build(name, kernel);
        model.train();
        using var scope = NewDisposeScope();
        Objective(model, name).backward();
        var expected = g.Group(name, "grad");
        var ours = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        GptGolden.AssertSameNames(name, "gradients", expected.Keys, ours.Keys);
        double worst = 0;
        foreach (var (n, p) in ours)
        {
            Assert.True(p.grad is not null, $"{name} ({kernel}): '{n}' got no gradient");
            double scale = expected[n].abs().max().item<float>();
            var c = TensorAssert.Close(p.grad!, expected[n], $"{name} ({kernel}): d loss / d {n} vs PyTorch",
                new(GradientShare, GradientShare * scale));
            worst = Math.Max(worst, c.MaxAbsDiff / scale);
        }
        output.WriteLine($"{name} {kernel}: {ours.Count} gradients, worst max |Δ| / max |g| = {worst:G3}");
    }

    [Theory]
    [MemberData(nameof(ModelsAndKernels))]
    public void Prefill_then_token_by_token_decoding_gives_pytorchs_logits(string name, AttentionKernel kernel)
    {
        var g = GptGolden.Instance;
        using var model = Build(name, kernel);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var idx = g[$"{name}/idx"];
        long t = idx.shape[1], prefill = t / 2;
        using var cache = ContiguousKvCache.For(model.Config);
        var steps = new List<Tensor> { model.Forward(idx[.., ..(int)prefill], cache) };      // (B, T/2, V)
        for (long i = prefill; i < t; i++) steps.Add(model.Forward(idx[.., (int)i..(int)(i + 1)], cache)); // (B, 1, V) each
        Assert.Equal(t, cache.Length);
        var c = TensorAssert.Close(cat(steps, 1), g[$"{name}/logits"], $"{name} ({kernel}): cached decoding vs PyTorch's full forward",
            LogitTolerance);
        output.WriteLine($"{name} {kernel}: cached logits max |Δ| {c.MaxSummary()}");
    }

    /// <summary>
    /// The serving engine's path (explicit per-token positions and a (B, 1, T, S) mask, as for ragged batches), here
    /// with the plain causal layout, so PyTorch's logits are still the answer: a prefill, then one token at a time.
    /// </summary>
    [Theory]
    [MemberData(nameof(ModelsAndKernels))]
    public void Explicit_positions_and_masks_with_the_cache_give_pytorchs_logits(string name, AttentionKernel kernel)
    {
        var g = GptGolden.Instance;
        using var model = Build(name, kernel);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var idx = g[$"{name}/idx"];
        long b = idx.shape[0], t = idx.shape[1], prefill = t / 2;
        using var cache = ContiguousKvCache.For(model.Config);
        var positions = arange(prefill, dtype: ScalarType.Int64).expand(b, prefill);                       // (B, T/2)
        var causal = ones(prefill, prefill, dtype: ScalarType.Bool).tril().expand(b, 1, prefill, prefill);  // (B, 1, T/2, T/2)
        var steps = new List<Tensor> { model.Forward(idx[.., ..(int)prefill], cache, positions, causal) };
        for (long i = prefill; i < t; i++)
        {
            var at = full(b, 1, i, dtype: ScalarType.Int64);                                                // (B, 1)
            var visible = ones(b, 1, 1, i + 1, dtype: ScalarType.Bool);                                     // (B, 1, 1, S)
            steps.Add(model.Forward(idx[.., (int)i..(int)(i + 1)], cache, at, visible));
        }
        var c = TensorAssert.Close(cat(steps, 1), g[$"{name}/logits"], $"{name} ({kernel}): positions + masks vs PyTorch", LogitTolerance);
        output.WriteLine($"{name} {kernel}: masked cached logits max |Δ| {c.MaxSummary()}");
    }

    [Theory]
    [MemberData(nameof(ModelsAndKernels))]
    public void Ten_adamw_steps_give_pytorchs_losses(string name, AttentionKernel kernel)
    {
        var g = GptGolden.Instance;
        using var model = Build(name, kernel);
        model.train();
        using var optimizer = g.AdamWFor(model);
        var expected = g[$"{name}/adamw_losses"].data<double>().ToArray();
        var losses = new List<double>();
        foreach (var _ in expected)
        {
            using var scope = NewDisposeScope();
            optimizer.ZeroGrad();
            var loss = Objective(model, name);
            loss.backward();
            optimizer.Step();
            losses.Add(loss.item<float>());
        }
        var worst = losses.Zip(expected, (a, b) => Math.Abs(a - b)).Max();
        output.WriteLine($"{name} {kernel}: AdamW losses {string.Join(" ", losses.Select(l => l.ToString("F6")))}; max |Δ| {worst:G3}");
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(losses[i] - expected[i]) <= AdamWLossTolerance,
                $"{name} ({kernel}): loss at AdamW step {i} is {losses[i]:R}, PyTorch's {expected[i]:R} " +
                $"(|Δ| {Math.Abs(losses[i] - expected[i]):G3} > {AdamWLossTolerance})");
    }
}
