using LlmLab.Nn.Gpt;
using LlmLab.Optim;
using LlmLab.Runtime;
using LlmLab.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Tests.Training;

/// <summary>The engine's arithmetic: accumulation, clipping, schedule, decay groups, bf16.</summary>
[Collection(TrainerCollection.Name)]
public sealed class TrainerEngineTests
{
    public TrainerEngineTests() => TorchRuntime.EnsureLoaded(1);

    internal static readonly int[] Text = Enumerable.Range(0, 600).Select(i => "abcdeabcdeaabbccddee"[i % 20] - 'a').ToArray();

    internal static GptModel TinyGpt(int seed = 3)
    {
        Seeding.SeedTorch(seed);
        return new GptModel(new GptConfig { VocabSize = 5, Context = 12, Width = 16, Layers = 1, Heads = 2 });
    }

    internal static readonly TrainerOptions Options = new(Steps: 12, Batch: 4, Context: 12, LearningRate: 1e-2, EvalEvery: 4, EvalBatches: 1,
        LogEvery: 1000, WeightDecay: 0.1, MinLearningRate: 1e-3, WarmupSteps: 3);

    static Dictionary<string, Tensor> Weights(nn.Module m) => m.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());

    [Fact]
    public void Two_micro_batches_equal_one_batch_of_twice_the_size()
    {
        // Batch 8 draws the same 8 window starts as two batches of 4 from the same seed (B draws per batch, in order).
        var big = Options with { Batch = 8, MinLearningRate = null, WarmupSteps = 0, GradClip = 0.5 };
        var split = big with { Batch = 4, Accumulation = 2 };
        Assert.Equal(big.TokensPerStep, split.TokensPerStep);
        (TrainingResult, GptModel) Run(TrainerOptions o, int steps)
        {
            var m = TinyGpt();
            return (new Trainer(m, LanguageModelLoss.For(m), o with { Steps = steps }).Run(new TokenWindowBatches(Text, o.Batch, 12, 5)), m);
        }
        // One step: the same loss, norm and (clipped) gradients. After it the gradients are still on the model.
        var (ra, a) = Run(big, 1);
        var (rb, b) = Run(split, 1);
        using (a)
        using (b)
        {
            Assert.Equal(ra.Steps[0].Loss, rb.Steps[0].Loss, 1e-6);
            Assert.Equal(ra.Steps[0].GradNorm, rb.Steps[0].GradNorm, 1e-6);
            var ga = a.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!);
            foreach (var (name, p) in b.named_parameters())
                Assert.True(p.grad!.allclose(ga[name], rtol: 0, atol: 1e-6), $"{name}: max |Δ| = {(p.grad! - ga[name]).abs().max().item<float>()}");
        }
        // Several steps: the same losses (Adam's sign-like first steps may flip on gradients that are 0 up to rounding,
        // such as the key biases, which softmax ignores, so weights are compared through the loss).
        var (la, ma) = Run(big, 4);
        var (lb, mb) = Run(split, 4);
        ma.Dispose();
        mb.Dispose();
        for (int i = 0; i < 4; i++) Assert.Equal(la.Steps[i].Loss, lb.Steps[i].Loss, 1e-6);
        Assert.Equal(2, TrainerOptions.AccumulationFor(700, 4, 100)); // ⌈700 / 400⌉
        Assert.Equal(64, TrainerOptions.AccumulationFor(524_288, 8, 1024)); // nanoGPT's GPT-2 run: 0.5M tokens at 8 × 1,024
    }

    [Fact]
    public void Clipping_matches_libtorch_and_leaves_small_gradients_alone()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(1);
        Tensor[] MakeParams() => [randn([3, 4], generator: g).requires_grad_(), randn([5], generator: g).requires_grad_()];
        var ours = MakeParams();
        var theirs = ours.Select(p => new TorchSharp.Modules.Parameter(p.detach().clone())).ToArray();
        var grads = ours.Select(p => randn(p.shape, generator: g) * 3).ToArray();
        for (int i = 0; i < 2; i++) { ours[i].grad = grads[i].clone(); theirs[i].grad = grads[i].clone(); }
        double expectedNorm = Math.Sqrt(grads.Sum(t => t.square().sum().item<float>()));
        double norm = GradientClipping.ClipGlobalNorm(ours, 1.0);
        double libtorch = nn.utils.clip_grad_norm_(theirs, 1.0);
        Assert.Equal(expectedNorm, norm, 1e-4);
        Assert.Equal(libtorch, norm, 1e-4);
        for (int i = 0; i < 2; i++) Assert.True(ours[i].grad!.allclose(theirs[i].grad!, rtol: 1e-5, atol: 1e-7));
        double after = Math.Sqrt(ours.Sum(p => p.grad!.square().sum().item<float>()));
        Assert.Equal(1.0, after, 1e-5);
        // Under the limit: untouched, and the norm is still reported.
        var before = ours[0].grad!.clone();
        Assert.Equal(after, GradientClipping.ClipGlobalNorm(ours, 10.0), 1e-5);
        Assert.True(ours[0].grad!.eq(before).all().item<bool>());
    }

    [Fact]
    public void The_schedule_has_its_known_values_and_the_trainer_follows_it()
    {
        // nanoGPT's GPT-2 recipe in miniature: peak 6e-4, 10 warmup steps, 100 steps, floor 6e-5.
        var s = new WarmupCosineLr(6e-4, 10, 100, 6e-5);
        Assert.Equal(6e-5, s.At(0), 15);          // (0 + 1) / 10 of the peak
        Assert.Equal(6e-4, s.At(9), 15);          // the end of warmup
        Assert.Equal(6e-4, s.At(10), 15);         // the cosine starts at the peak
        Assert.Equal(3.3e-4, s.At(55), 15);       // half-way: the mean of peak and floor
        Assert.Equal(6e-5, s.At(100), 15);
        Assert.Equal(6e-5, s.At(500), 15);        // held at the floor
        using var model = TinyGpt();
        var r = new Trainer(model, LanguageModelLoss.For(model), Options).Run(new TokenWindowBatches(Text, 4, 12, 1));
        var expected = Enumerable.Range(0, 12).Select(i => Options.Schedule.At(i)).ToArray();
        Assert.Equal(expected, r.Steps.Select(m => m.LearningRate).ToArray());
        Assert.Equal(1e-2 / 3, r.Steps[0].LearningRate, 15);
    }

    [Fact]
    public void Weight_decay_shrinks_matrices_and_embeddings_but_no_bias_or_norm()
    {
        using var model = TinyGpt();
        var groups = ParameterGroup.DecayMatricesOnly(model.named_parameters().Select(p => (p.name, p.parameter)), 0.1);
        Assert.Equal(["wte.weight", "wpe.weight", "h.0.attn.c_attn.weight", "h.0.attn.c_proj.weight", "h.0.mlp.c_fc.weight", "h.0.mlp.c_proj.weight"],
            groups[0].Parameters.Select(p => p.Name).ToArray());
        Assert.All(groups[1].Parameters, p => Assert.True(p.Name.EndsWith(".bias") || p.Name.StartsWith("ln_") || p.Name.Contains(".ln_"), p.Name));
        // With a zero loss the gradients, so Adam's moments and its update, are 0: only the decay moves a weight, by (1 − ηλ).
        var before = Weights(model);
        var options = Options with { Steps = 1, MinLearningRate = null, WarmupSteps = 0, LearningRate = 0.5, WeightDecay = 0.2 };
        new Trainer(model, (x, _) => model.call(x).sum() * 0, options).Run(new TokenWindowBatches(Text, 4, 12, 1));
        foreach (var (name, p) in model.named_parameters())
        {
            double factor = p.dim() >= 2 ? 1 - 0.5 * 0.2 : 1;
            Assert.True(p.allclose(before[name] * factor, rtol: 1e-6, atol: 0), $"{name} should be scaled by {factor}");
        }
    }

    [Fact]
    public void Bf16_training_stays_close_to_fp32_and_returns_an_fp32_model()
    {
        using var a = TinyGpt();
        using var b = TinyGpt();
        var options = Options with { Steps = 8 };
        var fp32 = new Trainer(a, LanguageModelLoss.For(a), options).Run(new TokenWindowBatches(Text, 4, 12, 2));
        var bf16 = new Trainer(b, LanguageModelLoss.For(b), options with { Precision = TrainingPrecision.Bf16 }).Run(new TokenWindowBatches(Text, 4, 12, 2));
        for (int i = 0; i < 8; i++) Assert.InRange(Math.Abs(bf16.Steps[i].Loss - fp32.Steps[i].Loss), 0, 0.03);
        Assert.NotEqual(fp32.Steps[^1].Loss, bf16.Steps[^1].Loss); // it did compute in bf16
        Assert.True(bf16.Steps[^1].Loss < bf16.Steps[0].Loss);
        Assert.All(b.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        // The model holds the fp32 masters, not their bf16 roundings: most weights are not representable in bf16.
        var w = b.get_parameter("h.0.mlp.c_fc.weight")!;
        Assert.True(w.ne(w.to(ScalarType.BFloat16).to(ScalarType.Float32)).to(ScalarType.Float32).mean().item<float>() > 0.9);
    }

    [Fact]
    public void Mfu_is_flops_per_token_times_throughput_over_the_peak()
    {
        using var model = TinyGpt();
        var r = new Trainer(model, LanguageModelLoss.For(model), Options with { Steps = 2, MinLearningRate = null, WarmupSteps = 0, FlopsPerToken = 1e6, PeakFlops = 1e12 })
            .Run(new TokenWindowBatches(Text, 4, 12, 1));
        Assert.All(r.Steps, s => Assert.Equal(1e6 * s.TokensPerSecond / 1e12, s.Mfu!.Value, 12));
        Assert.True(MatmulPeak.Measure(64, 2) > 0);
    }
}
