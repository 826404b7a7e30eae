using LlmLab.Nn.Gpt;
using LlmLab.Planning;
using LlmLab.Runtime;
using LlmLab.Tests.Training;
using LlmLab.Training;
using LlmLab.Training.Distributed;
using static TorchSharp.torch;

namespace LlmLab.Tests.Distributed;

/// <summary>
/// ZeRO-3 / FSDP FULL_SHARD over in-process ranks: each rank holds a 1/N shard of the weights, gradients and Adam moments
/// between steps (lab 1.3's estimator at stage 3), gathers at most the root unit and one block at once, sends 3Ψ per
/// step less the root unit's re-gather (counted by the back-end), replays dropout masks when it recomputes a block, and
/// hands back a module with the weights one process trains.
/// </summary>
[Collection(TrainerCollection.Name)]
public sealed class Zero3Tests
{
    public Zero3Tests() => TorchRuntime.EnsureLoaded(1);

    [Fact]
    public void Model_states_gathered_bytes_and_traffic_follow_the_zero_paper()
    {
        var o = new ShardingProbe.Options(Width: 32, Layers: 3, Heads: 2, Vocab: 64, Context: 16, RankBatch: 2, Steps: 6);
        var report = InProcessRanks.Run(2, c => ShardingProbe.Compare(o, c, [ZeroStage.Parameters]))[0]!;
        var m = report.Stages[0];
        Assert.True(report.MaxLossDelta(m) <= 1e-5, $"max |Δloss| {report.MaxLossDelta(m):E2}");
        var s = m.State!;
        var predicted = MemoryEstimator.ModelStatesPerGpu(m.Parameters, Dtype.Fp32, ZeroStage.Parameters, 2);
        long padding = 2L * 4 * 2 * (o.Layers + 1); // ≤ N−1 padding floats per bucket, 2 buckets per unit
        Assert.InRange(s.Weights, predicted.WeightBytes, predicted.WeightBytes + padding);        // 4Ψ/N: the shards are the weights
        Assert.InRange(s.Gradients, predicted.GradientBytes, predicted.GradientBytes + padding);  // 4Ψ/N
        Assert.InRange(s.OptimizerState, predicted.OptimizerStateBytes, predicted.OptimizerStateBytes + 2 * padding); // 8Ψ/N
        Assert.Equal(0, s.ShardCopies);
        // Transient: the root unit (embeddings, final norm; the head is tied) and one block, gathered and padded.
        long block = (m.Parameters - m.RootParameters) / o.Layers;
        Assert.True(m.RootParameters > 0 && (m.Parameters - m.RootParameters) % o.Layers == 0);
        Assert.InRange(s.Gathered, 4 * (m.RootParameters + block), 4 * (m.RootParameters + block) + padding);
        // Forward gathers Ψ, backward Ψ − Ψ_root again, the reduce-scatter Ψ: ×(N−1)/N under ring collectives.
        double expected = (3.0 * m.Parameters - m.RootParameters) * 4 / 2;
        Assert.Equal(expected, m.ExpectedSentBytes());
        Assert.InRange(m.SentBytesPerStep, expected, expected * 1.02);
    }

    static GptModel Model(double dropout = 0) =>
        new(new GptConfig { VocabSize = 5, Context = 12, Width = 16, Layers = 2, Heads = 2, Dropout = dropout });

    static readonly TrainerOptions Options = TrainerEngineTests.Options with { Steps = 6, Batch = 4, EvalEvery = 3, GradClip = 0.5 };

    [Fact]
    public void The_module_ends_with_the_full_weights_one_process_trains()
    {
        Dictionary<string, Tensor> single;
        Seeding.SeedTorch(7);
        using (var m = Model())
        {
            new Trainer(m, LanguageModelLoss.For(m), Options).Run(new TokenWindowBatches(TrainerEngineTests.Text, 4, 12, 5));
            single = m.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        }
        var build = new object();
        var worst = InProcessRanks.Run(2, c =>
        {
            GptModel m;
            lock (build)
            {
                Seeding.SeedTorch(7);
                m = Model();
            }
            using (m)
            {
                using var dp = new ShardedDataParallel(c, ZeroStage.Parameters);
                using var eval = EvalSet.FromTokens(TrainerEngineTests.Text, 12, 2, 1);
                new Trainer(m, LanguageModelLoss.For(m), Options with { Batch = 2 }) { DataParallel = dp }
                    .Run(new RankBatches(new TokenWindowBatches(TrainerEngineTests.Text, 4, 12, 5), c.Rank, 2), eval);
                double d = 0;
                foreach (var (name, p) in m.named_parameters())
                {
                    Assert.Equal(single[name].shape, p.shape);
                    d = Math.Max(d, (p - single[name]).abs().max().item<float>());
                }
                // The module works on its own again (no gathering, no collectives).
                using var logits = m.forward(zeros(1, 4, dtype: ScalarType.Int64));
                Assert.Equal([1L, 4, 5], logits.shape);
                return d;
            }
        });
        foreach (var t in single.Values) t.Dispose();
        Assert.All(worst, d => Assert.True(d <= 1e-5, $"max |Δweight| {d:E2}"));
    }

    [Fact]
    public void Dropout_masks_are_replayed_when_a_block_is_recomputed()
    {
        // One rank, so that libtorch's process-wide generator is this thread's alone: ZeRO-3 draws each block's masks in
        // forward and must draw the same ones when it recomputes the block in backward, else its gradients are wrong.
        double[] Losses(bool sharded)
        {
            Seeding.SeedTorch(5);
            using var m = Model(dropout: 0.2);
            var batches = new TokenWindowBatches(TrainerEngineTests.Text, 4, 12, 5);
            if (!sharded) return new Trainer(m, LanguageModelLoss.For(m), Options).Run(batches).Steps.Select(s => s.Loss).ToArray();
            return InProcessRanks.Run(1, c =>
            {
                using var dp = new ShardedDataParallel(c, ZeroStage.Parameters);
                return new Trainer(m, LanguageModelLoss.For(m),
                    Options) { DataParallel = dp }.Run(batches).Steps.Select(s => s.Loss).ToArray();
            })[0];
        }
        var single = Losses(sharded: false);
        var zero3 = Losses(sharded: true);
        double worst = single.Zip(zero3, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1e-5, $"max |Δloss| {worst:E2}\n{string.Join(", ", single)}\n{string.Join(", ", zero3)}");
    }
}
