using LlmLab.Alignment;
using LlmLab.Tests.Training;
using LlmLab.Training;
using static TorchSharp.torch;

namespace LlmLab.Tests.Alignment;

/// <summary>DPO's loss against hand-computed values and gradients, ln 2 at the reference, training, and exact resume.</summary>
[Collection(TrainerCollection.Name)]
public sealed class DpoTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-dpo-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    [Fact]
    public void Sigmoid_loss_and_gradient_equal_the_hand_computed_case()
    {
        LlmLab.Runtime.TorchRuntime.EnsureLoaded(1);
        // Two pairs. Pair 0: h = (−3 − −4) − (−5 − −4.5) = 1.5; pair 1: h = (−2 − −1) − (−1 − −3) = −3.
        var pc = tensor(new[] { -3.0, -2.0 }, requires_grad: true);
        var pr = tensor(new[] { -5.0, -1.0 }, requires_grad: true);
        var rc = tensor(new[] { -4.0, -1.0 });
        var rr = tensor(new[] { -4.5, -3.0 });
        const double beta = 0.1;
        var (losses, h) = DpoLoss.Of(pc, pr, rc, rr, beta);
        var loss = losses.mean();
        loss.backward();
        double[] hs = [1.5, -3.0];
        Assert.Equal(hs, h.data<double>().ToArray());
        // L = mean −log σ(β h); dL/dπ_c = −β σ(−β h) / 2 and dL/dπ_r = +β σ(−β h) / 2 (mean over two pairs).
        Assert.Equal(hs.Average(x => -Math.Log(Sigmoid(beta * x))), loss.item<double>(), 12);
        var gc = pc.grad!.data<double>().ToArray();
        var gr = pr.grad!.data<double>().ToArray();
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(-beta * Sigmoid(-beta * hs[i]) / 2, gc[i], 12);
            Assert.Equal(beta * Sigmoid(-beta * hs[i]) / 2, gr[i], 12);
        }
        // IPO: (h − 1/(2β))², gradient 2(h − 5) in π_c.
        var pc2 = tensor(new[] { -3.0 }, requires_grad: true);
        var (ipo, _) = DpoLoss.Of(pc2, tensor(new[] { -5.0 }), tensor(new[] { -4.0 }), tensor(new[] { -4.5 }), beta, DpoLossKind.Ipo);
        ipo.sum().backward();
        Assert.Equal(Math.Pow(1.5 - 5, 2), ipo.item<double>(), 12);
        Assert.Equal(2 * (1.5 - 5), pc2.grad!.item<double>(), 12);
        Assert.Throws<ArgumentException>(() => DpoLoss.Of(pc, pr, rc, rr, 0));
    }

    [Fact]
    public void Loss_is_ln_2_when_the_policy_is_the_reference()
    {
        using var policy = AlignmentFixtures.Policy();
        var batches = DpoTrainer.Batches(AlignmentFixtures.Pairs, AlignmentFixtures.Tokenizer, batch: 4, context: 128, seed: 0);
        batches.ComputeReference(policy);
        policy.eval();
        using var scope = NewDisposeScope();
        var (loss, metrics) = DpoLoss.For(policy, 0.1)(batches.Next());
        Assert.Equal(Math.Log(2), loss.item<float>(), 5);
        Assert.Equal(0, metrics!["margin"], 5);
        // and the reference log-probabilities are the policy's own sums over the reply tokens only
        var b = batches.Next();
        var own = SequenceLogProbs.Sum(policy.call(b.X), b.Y);
        Assert.True(own.allclose(b.Extra(PreferenceBatches.ReferenceLogProbs), rtol: 0, atol: 1e-4));
    }

    [Fact]
    public void Dpo_raises_the_preference_accuracy_and_resumes_exactly()
    {
        var pairs = AlignmentFixtures.Pairs;
        var o = new DpoOptions(Steps: 6, Batch: 4, LearningRate: 3e-3, Seed: 1);
        using var reference = AlignmentFixtures.Policy();
        using var whole = AlignmentFixtures.Policy();
        string dir = Path.Combine(_root, "ckpt");
        var full = DpoTrainer.Train(whole, AlignmentFixtures.Tokenizer, pairs, o, reference, checkpoints: new CheckpointOptions(dir, Every: 3));
        Assert.Equal(Math.Log(2), full.Steps[0].Loss, 4);                          // step 1 starts at the reference
        Assert.True(full.Steps[^1].Loss < full.Steps[0].Loss, string.Join(", ", full.Steps.Select(s => s.Loss)));
        Assert.True(DpoTrainer.PreferenceAccuracy(whole, reference, AlignmentFixtures.Tokenizer, pairs) > 0.6);

        // Resumed from its step-3 checkpoint, the run continues with the same losses bit for bit.
        using var resumed = AlignmentFixtures.Policy(seed: 99);
        var saved = Checkpoint.List(dir);
        Assert.Equal([3, 6], saved.Select(c => c.Step));
        var half = DpoTrainer.Train(resumed, AlignmentFixtures.Tokenizer, pairs, o, reference,
            checkpoints: new CheckpointOptions(Path.Combine(_root, "ckpt2"), Every: 3), resumeFrom: saved[0].Directory);
        Assert.Equal(full.Steps.Select(s => s.Loss), half.Steps.Select(s => s.Loss));
        Assert.Equal(full.Steps[^1].Values!["accuracy"], half.Steps[^1].Values!["accuracy"]);
    }
}
