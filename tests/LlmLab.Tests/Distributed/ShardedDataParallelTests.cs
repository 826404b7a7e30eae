using LlmLab.Nn.Gpt;
using LlmLab.Planning;
using LlmLab.Runtime;
using LlmLab.Tests.Training;
using LlmLab.Training;
using LlmLab.Training.Distributed;
using static TorchSharp.torch;

namespace LlmLab.Tests.Distributed;

/// <summary>
/// DDP and ZeRO-1/2/3 over 2 in-process ranks against one process at the same global batch (the reference a data-parallel
/// implementation must reproduce: PyTorch DDP's documented equivalence to local training at N× the batch), and the
/// memory each stage keeps against lab 1.3's estimator.
/// </summary>
[Collection(TrainerCollection.Name)]
public sealed class ShardedDataParallelTests
{
    public ShardedDataParallelTests() => TorchRuntime.EnsureLoaded(1);

    const int Steps = 8, RankBatch = 2, World = 2;

    static readonly TrainerOptions Options = TrainerEngineTests.Options with
    {
        Steps = Steps, Batch = RankBatch * World, EvalEvery = 1000, GradClip = 0.3, WarmupSteps = 2,
    };

    static GptModel Model() => new(new GptConfig { VocabSize = 5, Context = 12, Width = 16, Layers = 2, Heads = 2 });

    /// <summary>One process, batch B·N.</summary>
    static (double[] Losses, double[] Norms) Single(TrainerOptions? options = null)
    {
        Seeding.SeedTorch(11);
        using var m = Model();
        var o = options ?? Options;
        var r = new Trainer(m, LanguageModelLoss.For(m), o).Run(new TokenWindowBatches(TrainerEngineTests.Text, o.Batch, 12, 5));
        return (r.Steps.Select(s => s.Loss).ToArray(), r.Steps.Select(s => s.GradNorm).ToArray());
    }

    /// <summary>N in-process ranks of batch B each, under <paramref name="stage"/>.</summary>
    static (double[] Losses, double[] Norms, ModelStateBytes State, long Psi, CollectiveCounters Counters)[] Ranks(ZeroStage stage,
        Func<int, int>? seedOf = null, int world = World, TrainerOptions? options = null)
    {
        var o = options ?? Options;
        // Each thread seeds libtorch's global generator and builds its model under a lock: the generator is process-wide.
        var build = new object();
        return InProcessRanks.Run(world, c =>
        {
            GptModel m;
            lock (build)
            {
                Seeding.SeedTorch(seedOf?.Invoke(c.Rank) ?? 11);
                m = Model();
            }
            using (m)
            {
                using var dp = new ShardedDataParallel(c, stage);
                var trainer = new Trainer(m, LanguageModelLoss.For(m), o with { Batch = o.Batch / world }) { DataParallel = dp };
                var global = new TokenWindowBatches(TrainerEngineTests.Text, o.Batch, 12, 5);
                var r = trainer.Run(new RankBatches(global, c.Rank, c.WorldSize));
                return (r.Steps.Select(s => s.Loss).ToArray(), r.Steps.Select(s => s.GradNorm).ToArray(), dp.StateBytes!,
                    dp.ParameterCount, c.Counters);
            }
        });
    }

    [Theory]
    [InlineData(ZeroStage.None)]
    [InlineData(ZeroStage.OptimizerStates)]
    [InlineData(ZeroStage.Gradients)]
    [InlineData(ZeroStage.Parameters)]
    public void Two_ranks_match_one_process_at_the_same_global_batch(ZeroStage stage)
    {
        var (losses, norms) = Single();
        var ranks = Ranks(stage);
        foreach (var r in ranks)
        {
            double worst = losses.Zip(r.Losses, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst <= 1e-5, $"{stage}: max |Δloss| = {worst:E2} over {Steps} steps\n1 process: {string.Join(", ", losses)}\n2 ranks:   {string.Join(", ", r.Losses)}");
            double worstNorm = norms.Zip(r.Norms, (a, b) => Math.Abs(a - b) / a).Max();
            Assert.True(worstNorm <= 1e-4, $"{stage}: gradient norms differ by {worstNorm:E2} (relative)");
        }
        Assert.Equal(ranks[0].Losses, ranks[1].Losses); // every rank logs the same global loss
        Assert.True(losses[^1] < losses[0], "the loss falls");
    }

    [Theory]
    [InlineData(ZeroStage.None, 2.0)]
    [InlineData(ZeroStage.OptimizerStates, 2.0)]
    [InlineData(ZeroStage.Gradients, 2.0)]
    public void Model_states_and_traffic_follow_the_zero_paper(ZeroStage stage, double psiPerStep)
    {
        var r = Ranks(stage)[0];
        // Lab 1.3's estimator (ZeRO paper §5.3: Ψ(2+2+K)/N family), fp32 here: 4Ψ weights, 4Ψ gradients, 8Ψ Adam moments.
        var predicted = MemoryEstimator.ModelStatesPerGpu(r.Psi, Dtype.Fp32, stage, World);
        long padding = 2 * World * 4 * 2; // at most N−1 padding floats per bucket (2 buckets) in each sharded state, generously
        Assert.Equal(predicted.WeightBytes, r.State.Weights);
        Assert.InRange(r.State.OptimizerState, predicted.OptimizerStateBytes, predicted.OptimizerStateBytes + 2 * padding);
        // ZeRO-1 keeps the full gradient (4Ψ) plus its reduced shard (4Ψ/N); ZeRO-2 only the shard.
        long shardGradient = stage == ZeroStage.None ? 0 : r.Psi * 4 / World;
        long expectedGrad = stage == ZeroStage.OptimizerStates ? predicted.GradientBytes + shardGradient : predicted.GradientBytes;
        Assert.InRange(r.State.Gradients, expectedGrad, expectedGrad + padding);
        // Bytes each rank sent per step under ring collectives, in units of Ψ fp32 bytes, vs the paper's 2Ψ (§7.2.1).
        // Counted over the whole run: the start-up fingerprint and one loss scalar per step are negligible.
        double perStep = r.Counters.SentBytes / Steps / (r.Psi * 4.0);
        double ring = psiPerStep * (World - 1) / World; // the paper's 2Ψ is the large-N limit of 2(N−1)/N·Ψ
        Assert.InRange(perStep, ring, ring * 1.02);
    }

    [Theory]
    [InlineData(ZeroStage.None)]
    [InlineData(ZeroStage.Gradients)]
    public void One_rank_is_bit_identical_to_one_process(ZeroStage stage)
    {
        // Same sums in the same order: the flat buckets, the shard optimizer and the per-segment clipping norm change no bit.
        var (losses, norms) = Single();
        var r = Ranks(stage, world: 1)[0];
        Assert.Equal(losses, r.Losses);
        Assert.Equal(norms, r.Norms);
    }

    [Fact]
    public void Ranks_seeded_differently_are_refused_before_the_first_step()
    {
        var e = Assert.Throws<AggregateException>(() => Ranks(ZeroStage.None, seedOf: r => 11 + r));
        Assert.Contains("rank(s) 1 start from other weights than rank 0", e.Message);
    }

    [Theory]
    [InlineData(ZeroStage.None)]
    [InlineData(ZeroStage.OptimizerStates)]
    [InlineData(ZeroStage.Gradients)]
    [InlineData(ZeroStage.Parameters)]
    public void Fifty_steps_at_two_ranks_match_one_process(ZeroStage stage)
    {
        // The issue's criterion: 50 steps, fp32, every step's loss within 1e-5 of one process at the same global batch
        // (sums split over ranks add in another order, so equality is up to rounding, which must not grow with the steps).
        var fifty = Options with { Steps = 50, WarmupSteps = 5 };
        var (losses, _) = Single(fifty);
        var ranks = Ranks(stage, options: fifty);
        double worst = losses.Zip(ranks[0].Losses, (a, b) => Math.Abs(a - b)).Max();
        Assert.Equal(50, ranks[0].Losses.Length);
        Assert.True(worst <= 1e-5, $"{stage}: max |Δloss| = {worst:E2} over 50 steps\n{string.Join(", ", losses)}\n{string.Join(", ", ranks[0].Losses)}");
        Assert.True(losses[^1] < losses[0] - 0.3, $"the loss falls over 50 steps ({losses[0]:F3} → {losses[^1]:F3})");
    }

    [Fact]
    public void ZeRO_3_refuses_bf16_naming_the_setting()
    {
        var e = Assert.Throws<AggregateException>(() => Ranks(ZeroStage.Parameters,
            options: Options with { Precision = TrainingPrecision.Bf16 }));
        Assert.Contains("trainer.precision", e.ToString());
    }
}
