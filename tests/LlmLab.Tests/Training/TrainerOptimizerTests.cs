using System.Text.Json.Nodes;
using LlmLab.Nn.Gpt;
using LlmLab.Optim;
using LlmLab.Runtime;
using LlmLab.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmLab.Tests.Training;

/// <summary>The trainer with any <see cref="IOptimizer"/>: it steps ours as libtorch's would, and resumes it exactly.</summary>
[Collection(TrainerCollection.Name)]
public sealed class TrainerOptimizerTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-trainer-optim-").FullName;

    public TrainerOptimizerTests() => TorchRuntime.EnsureLoaded(1);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    static readonly int[] Text = TrainerEngineTests.Text;

    // Dropout on, so that a resume must also restore libtorch's RNG; a constant rate (the schedule is not under test).
    static readonly TrainerOptions Options = new(Steps: 10, Batch: 4, Context: 12, LearningRate: 0.05, GradClip: 0, EvalEvery: 5,
        EvalBatches: 1, LogEvery: 1000);

    static GptModel Model(int seed = 3)
    {
        Seeding.SeedTorch(seed);
        return new GptModel(new GptConfig { VocabSize = 5, Context = 12, Width = 16, Layers = 1, Heads = 2, Dropout = 0.1 });
    }

    static readonly OptimizerSpec Nesterov = new(OptimizerKind.Sgd, 0.05, WeightDecay: 1e-3, Momentum: 0.9, Nesterov: true);

    static Func<IReadOnlyList<(string Name, Parameter Parameter)>, IOptimizer> Factory(OptimizerSpec spec) =>
        masters => spec.Create([new ParameterGroup("all", masters)]);

    TrainingResult Train(GptModel model, OptimizerSpec spec, TrainerOptions options, string dir, string? resume = null)
    {
        using var eval = EvalSet.FromTokens(Text, 12, 4, 1);
        var checkpoints = new CheckpointOptions(Path.Combine(_root, dir), 4, KeepLast: 10);
        return new Trainer(model, LanguageModelLoss.For(model), options) { OptimizerFactory = Factory(spec) }
            .Run(new TokenWindowBatches(Text, 4, 12, 7), eval, checkpoints: checkpoints, resumeFrom: resume is null ? null : Path.Combine(_root, resume));
    }

    [Fact]
    public void The_trainer_steps_our_sgd_as_torch_optim_sgd_steps_the_same_model()
    {
        // Reference outside the code under test: the same model, batches and loss, stepped by libtorch's torch.optim.SGD
        // in a plain loop (dropout off, so the two forwards agree without sharing an RNG stream).
        static GptModel Plain()
        {
            Seeding.SeedTorch(5);
            return new GptModel(new GptConfig { VocabSize = 5, Context = 12, Width = 16, Layers = 1, Heads = 2 });
        }
        var o = Options with { Steps = 6 };
        using var ours = Plain();
        var result = new Trainer(ours, LanguageModelLoss.For(ours), o) { OptimizerFactory = Factory(Nesterov) }
            .Run(new TokenWindowBatches(Text, 4, 12, 7));

        using var theirs = Plain();
        using var builtIn = Nesterov.CreateBuiltIn(theirs.parameters());
        var batches = new TokenWindowBatches(Text, 4, 12, 7);
        var loss = LanguageModelLoss.For(theirs);
        theirs.train();
        var losses = new List<double>();
        for (int step = 0; step < o.Steps; step++)
        {
            using var scope = NewDisposeScope();
            var (x, y) = batches.Next();
            builtIn.zero_grad();
            var l = loss(x, y);
            losses.Add(l.to(ScalarType.Float64).item<double>());
            l.backward();
            builtIn.step();
        }
        Assert.Equal(losses.Count, result.Steps.Count);
        for (int i = 0; i < losses.Count; i++) Assert.Equal(losses[i], result.Steps[i].Loss, 1e-6);
        var reference = theirs.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in ours.named_parameters())
        {
            double gap = (p - reference[name]).abs().max().item<float>();
            Assert.True(gap <= 1e-6, $"{name}: max |Δθ| = {gap}");
        }
    }

    [Fact]
    public void A_run_with_sgd_momentum_resumes_bit_for_bit_with_its_momentum_buffers()
    {
        // SGD creates its momentum buffers at the first update: a resume that only copied into the fresh optimizer's
        // existing tensors would restart them at zero, and the losses after the resume would differ.
        using var whole = Model();
        var reference = Train(whole, Nesterov, Options, "whole");

        using (var first = Model()) Train(first, Nesterov, Options with { StopAtStep = 4 }, "pieces");
        var manifest = Checkpoint.Resolve(Path.Combine(_root, "pieces")).Json;
        Assert.Equal("sgd", (string?)manifest["optimizer"]!["kind"]);
        using var second = Model(seed: 99);
        var resumed = Train(second, Nesterov, Options, "pieces", resume: "pieces");

        Assert.Equal(reference.Steps.Select(s => s.Loss).ToArray(), resumed.Steps.Select(s => s.Loss).ToArray());
        Assert.Equal(reference.Final!.Loss, resumed.Final!.Loss);
        var w = whole.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in second.named_parameters()) Assert.True(p.eq(w[name]).all().item<bool>(), name);
    }

    [Fact]
    public void A_checkpoint_of_another_optimizer_type_is_refused_by_name()
    {
        using (var model = Model()) Train(model, Nesterov, Options with { StopAtStep = 4 }, "run");
        using var other = Model();
        var e = Assert.Throws<InputException>(() => Train(other, new OptimizerSpec(OptimizerKind.Adam, 0.01), Options, "run", resume: "run"));
        Assert.Contains("optimizer 'sgd' and this run uses 'adam'", e.Message);
        // The default optimizer still records "adamw", as checkpoints always did.
        using var third = Model();
        new Trainer(third, LanguageModelLoss.For(third), Options with { StopAtStep = 4 })
            .Run(new TokenWindowBatches(Text, 4, 12, 7), checkpoints: new CheckpointOptions(Path.Combine(_root, "default"), 4));
        Assert.Equal("adamw", (string?)Checkpoint.Resolve(Path.Combine(_root, "default")).Json["optimizer"]!["kind"]);
    }

    [Fact]
    public void Load_state_creates_lazy_buffers_and_refuses_what_does_not_fit()
    {
        using var scope = NewDisposeScope();
        var w = new Parameter(ones(2, 3));
        var b = new Parameter(zeros(3));
        w.grad = full(2, 3, 0.5f);
        b.grad = full(3, 0.25f);
        var named = new[] { ("w", w), ("b", b) };
        using var sgd = new Sgd([new ParameterGroup("all", named)], 0.1, momentum: 0.9);
        sgd.Step();
        sgd.Step();
        var saved = sgd.NamedStateTensors().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var steps = sgd.State.ToDictionary(kv => kv.Key, kv => kv.Value.Step);

        using var fresh = new Sgd([new ParameterGroup("all", named)], 0.1, momentum: 0.9);
        Assert.Empty(fresh.NamedStateTensors());
        fresh.LoadState(saved, steps);
        Assert.Equal(saved.Keys.Order(), fresh.NamedStateTensors().Select(kv => kv.Key).Order());
        foreach (var (key, t) in fresh.NamedStateTensors()) Assert.True(t.eq(saved[key]).all().item<bool>(), key);
        Assert.Equal(2, fresh.State["w"].Step);
        saved["w/momentum_buffer"].add_(1); // copied, not shared
        Assert.False(fresh.State["w"].Get("momentum_buffer")!.eq(saved["w/momentum_buffer"]).all().item<bool>());

        Assert.Contains("'x/momentum_buffer' names no parameter",
            Assert.Throws<ArgumentException>(() => fresh.LoadState(new Dictionary<string, Tensor> { ["x/momentum_buffer"] = zeros(3) }, steps)).Message);
        Assert.Contains("is (4), its parameter (3)",
            Assert.Throws<ArgumentException>(() => fresh.LoadState(new Dictionary<string, Tensor> { ["b/momentum_buffer"] = zeros(4) }, steps)).Message);
        Assert.Contains("no step count for 'b'",
            Assert.Throws<ArgumentException>(() => fresh.LoadState(saved, new Dictionary<string, long> { ["w"] = 2 })).Message);
        using var adam = new LlmLab.Optim.AdamW([new ParameterGroup("all", named)]);
        Assert.Contains("has no 'w/exp_avg'", Assert.Throws<ArgumentException>(() => adam.LoadState(saved, steps)).Message);
    }
}
