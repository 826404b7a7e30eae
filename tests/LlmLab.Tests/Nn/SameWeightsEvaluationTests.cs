using LlmLab.Data;
using LlmLab.Nn;
using LlmLab.Nn.Landscape;
using LlmLab.Optim;
using LlmLab.Runtime;
using LlmLab.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

/// <summary>
/// Lab 2.2 once saw two evaluations of bit-identical weights differ by 3.3e-6 nats at 2 intra-op threads (the loss of
/// the untrained model, and the loss after training with those weights copied back; 0 in the next run and at 1 thread).
/// This follows that path at lab 2.2's quick shapes and rules out our side: training leaves every parameter with the
/// same shape, strides, storage offset and 64-byte alignment, and the restored weights give the same logits. At 1
/// thread the evaluation is bit-reproducible; at 2 the test allows the lab's 1e-5 nats (docs/part-02.md says why).
/// </summary>
public sealed class SameWeightsEvaluationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Restored_weights_give_the_untrained_models_logits_and_loss(int threads)
    {
        TorchRuntime.EnsureLoaded(threads);
        try
        {
            var rng = new Random(5);
            byte[] text = new byte[200_000];
            for (int i = 0; i < text.Length; i++) text[i] = (byte)(rng.Next(4) == 0 ? ' ' : 'a' + rng.Next(20));
            using var scope = NewDisposeScope();
            var (x, y) = ContextWindows.Evenly(text, 8, 2048);                          // (N, 8), (N,)
            Seeding.SeedTorch(1337);
            // Lab 2.2's quick model: 8 bytes of context, 16-wide embeddings, 10 tanh layers of 64, skips.
            using var model = new MlpLanguageModel(new MlpLmConfig(8, 256, 16, 64, 10, Residual: true));
            var landscape = new LossLandscape(model, x, y);
            using var theta0 = ParameterVector.Of(model);
            var layoutBefore = Layout(model);
            var init = landscape.Evaluate();
            var repeats = Enumerable.Range(0, 20).Select(_ => landscape.Evaluate().Loss).Distinct().ToList();
            using var logits0 = Logits(model, x);

            var batches = new Random(7);
            TrainingTrial.Run(model, new OptimizerSpec(OptimizerKind.Adam, 3e-3), _ => ContextWindows.Sample(text, 8, 128, batches), 60);
            Assert.Equal(layoutBefore, Layout(model));
            using var thetaStar = ParameterVector.Of(model);
            var trained = landscape.Evaluate();
            var curve = landscape.Interpolate(theta0, thetaStar, [0.0, 1.0]);
            theta0.CopyTo(model);
            using var logits1 = Logits(model, x);
            long differing = logits1.ne(logits0).sum().item<long>();
            double gap = Math.Abs(curve.Points[0].Loss - init.Loss);
            output.WriteLine($"threads {threads}: init {init.Loss:R}, {repeats.Count} distinct value(s) in 20 more evaluations; " +
                $"α = 0 after training {curve.Points[0].Loss:R} (|Δ| {gap:R}); logits differing {differing} of {logits0.numel()}; " +
                $"trained {trained.Loss:R}, α = 1 {curve.Points[1].Loss:R}");
            if (threads == 1)
            {
                Assert.Single(repeats);
                Assert.Equal(0, differing);
                Assert.Equal(init.Loss, curve.Points[0].Loss);
                Assert.Equal(trained.Loss, curve.Points[1].Loss);
            }
            else
            {
                Assert.InRange(gap, 0, 1e-5);
                Assert.InRange(Math.Abs(curve.Points[1].Loss - trained.Loss), 0, 1e-5);
            }
        }
        finally { TorchRuntime.EnsureLoaded(TorchRuntime.DefaultThreads); }
    }

    static Tensor Logits(nn.Module<Tensor, Tensor> model, Tensor x)
    {
        using var _ = no_grad();
        model.eval();
        var logits = model.call(x).DetachFromDisposeScope();
        model.train();
        return logits;
    }

    /// <summary>Each parameter's name, shape, strides, storage offset, contiguity and data address modulo 64.</summary>
    static List<string> Layout(nn.Module model) =>
        model.named_parameters().Select(p => $"{p.name} {string.Join("x", p.parameter.shape)} " +
            $"[{string.Join(",", p.parameter.stride())}] +{p.parameter.storage_offset()} {p.parameter.is_contiguous()} " +
            $"{(long)LlmLab.Training.Distributed.CollectiveBuffers.Address(p.parameter) % 64}").ToList();
}
