using LlmLab.Nn.Gpt;
using LlmLab.Planning;
using LlmLab.Runtime;

namespace LlmLab.Training.Distributed;

/// <summary>What one rank measured in a <see cref="ShardingProbe"/> run.</summary>
/// <param name="Stage">"one process", "ddp", "zero1", "zero2" or "zero3".</param>
/// <param name="Ranks">N (1 for one process).</param>
/// <param name="Parameters">Ψ, trained parameters.</param>
/// <param name="Losses">The global loss of each step.</param>
/// <param name="MedianStepMs">Median step time after the first step (which pays one-time allocations).</param>
/// <param name="CommMsPerStep">Time inside collectives per step (waiting for other ranks included), after the first step.</param>
/// <param name="SentBytesPerStep">Bytes this rank sent per step under ring collectives, after the first step.</param>
/// <param name="TokensPerSecond">Global tokens per second at the median step time.</param>
/// <param name="State">Model states this rank holds between steps (null for one process: the trainer's own AdamW).</param>
/// <param name="Predicted">Lab 1.3's estimator for the same Ψ, stage and N (fp32).</param>
/// <param name="RootParameters">ZeRO-3: Ψ_root, the parameters outside the blocks (embeddings, final norm), gathered once per
/// step rather than again for backward; 0 for the other stages.</param>
public sealed record ShardingMeasurement(string Stage, int Ranks, long Parameters, double[] Losses, double MedianStepMs,
    double CommMsPerStep,
    double SentBytesPerStep, double TokensPerSecond, ModelStateBytes? State, ModelStates Predicted, long RootParameters = 0)
{
    /// <summary>Bytes a rank sends per step by the ZeRO paper's count (§7.2.1) under ring collectives, for Ψ fp32 parameters:
    /// 2Ψ(N−1)/N for DDP and ZeRO-1/2; for ZeRO-3 (3Ψ − Ψ_root)(N−1)/N — the paper's 3Ψ less the root unit, which
    /// stays gathered from forward to backward as FSDP's root does.</summary>
    public double ExpectedSentBytes() =>
        4.0 * (Ranks - 1) / Ranks * (Stage == "zero3" ? 3.0 * Parameters - RootParameters : 2.0 * Parameters);
}

/// <summary>
/// A small, seeded GPT trained for a few steps on a fixed synthetic token stream, once per rank, to measure data
/// parallelism: losses (to compare with one process at the same global batch), per-rank model states against the ZeRO
/// estimate, bytes sent per step and step time. Shared by <c>llmlab bench shard</c> and lab 6. Stateless.
/// </summary>
public static class ShardingProbe
{
    static readonly object BuildLock = new();

    /// <summary>The probe's shape and length.</summary>
    /// <param name="Width">d_model.</param>
    /// <param name="Layers">Blocks.</param>
    /// <param name="Heads">Attention heads.</param>
    /// <param name="Vocab">Vocabulary (the synthetic stream's alphabet).</param>
    /// <param name="Context">T.</param>
    /// <param name="RankBatch">B per rank (the global batch is B·N).</param>
    /// <param name="Steps">Optimizer steps (≥ 2: the first is not timed).</param>
    /// <param name="Seed">Model and data seed (every rank alike).</param>
    public sealed record Options(int Width = 64, int Layers = 2, int Heads = 4, int Vocab = 128, int Context = 32, int RankBatch = 4,
        int Steps = 12, long Seed = 1337);

    /// <summary>
    /// Trains on this rank. <paramref name="dataParallel"/> null = one process at batch B·<paramref name="globalRanks"/>
    /// (the reference the ranks must match).
    /// </summary>
    public static ShardingMeasurement Run(Options o, ShardedDataParallel? dataParallel, int globalRanks)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (o.Steps < 2) throw new InputException($"the probe needs at least 2 steps (got {o.Steps})");
        int world = dataParallel?.WorldSize ?? 1;
        if (dataParallel is not null && world != globalRanks) throw new ArgumentException($"{world} ranks but {globalRanks} asked for");
        var config = new GptConfig { VocabSize = o.Vocab, Context = o.Context, Width = o.Width, Layers = o.Layers, Heads = o.Heads };
        var options = new TrainerOptions(o.Steps, dataParallel is null ? o.RankBatch * globalRanks : o.RankBatch, o.Context, 3e-3,
            GradClip: 1.0,
            WeightDecay: 0.1, EvalEvery: 1_000_000, LogEvery: 1_000_000);
        var tokens = Stream(o);
        var global = new TokenWindowBatches(tokens, o.RankBatch * globalRanks, o.Context, Seeding.DeriveSeed(o.Seed, "probe-batches"));
        GptModel built;
        lock (BuildLock) // libtorch's generator is process-wide: ranks that are threads seed and build one at a time
        {
            Seeding.SeedTorch(Seeding.DeriveSeed(o.Seed, "probe-init"));
            built = new GptModel(config);
        }
        using var model = built;
        var counters = dataParallel?.Collectives.Counters;
        double sent0 = 0, seconds0 = 0, sent1 = 0, seconds1 = 0;
        var result = new Trainer(model, LanguageModelLoss.For(model), options) { DataParallel = dataParallel }.Run(
            dataParallel is null ? global : new RankBatches(global, dataParallel.Rank, world),
            onStep: s =>
            {
                if (s.Step == 1 && counters is not null) (sent0, seconds0) = (counters.SentBytes, counters.Seconds);
                // The last step's counts, before the run ends (ZeRO-3 then gathers the full weights back once).
                if (s.Step == o.Steps && counters is not null) (sent1, seconds1) = (counters.SentBytes, counters.Seconds);
            });
        int timed = o.Steps - 1;
        var ms = result.Steps.Skip(1).Select(s => s.Milliseconds).Order().ToArray();
        double median = ms[ms.Length / 2];
        long psi = dataParallel?.ParameterCount ?? model.parameters().Sum(p => p.numel());
        string stage = dataParallel is null ? "one process" : ShardedDataParallel.StageName(dataParallel.Stage);
        var predicted = MemoryEstimator.ModelStatesPerGpu(psi, Dtype.Fp32, dataParallel?.Stage ?? ZeroStage.None, world);
        return new ShardingMeasurement(stage, world, psi, result.Steps.Select(s => s.Loss).ToArray(), median,
            counters is null ? 0 : (seconds1 - seconds0) * 1e3 / timed, counters is null ? 0 : (sent1 - sent0) / timed,
            (double)o.RankBatch * globalRanks * o.Context / (median / 1e3), dataParallel?.StateBytes, predicted,
            dataParallel?.RootParameterCount ?? 0);
    }

    /// <summary>
    /// Rank <paramref name="collectives"/>.Rank's part of a comparison: the probe under each of <paramref name="stages"/>
    /// on all ranks, then (rank 0 alone, the others waiting at a barrier) one process at the same global batch, whose
    /// losses the stages must reproduce. Rank 0 gets the report; the other ranks get null.
    /// </summary>
    public static ShardingReport? Compare(Options o, ICollectives collectives, IReadOnlyList<ZeroStage> stages)
    {
        ArgumentNullException.ThrowIfNull(collectives);
        var rows = new List<ShardingMeasurement>();
        foreach (var stage in stages)
        {
            collectives.Counters.Reset();
            using var dp = new ShardedDataParallel(collectives, stage);
            rows.Add(Run(o, dp, collectives.WorldSize));
        }
        ShardingMeasurement? reference = collectives.Rank == 0 ? Run(o, null, collectives.WorldSize) : null;
        collectives.Barrier();
        return reference is null ? null : new ShardingReport(o, reference, rows);
    }

    /// <summary>A learnable synthetic stream: a seeded random sequence of period 97 over the vocabulary, repeated.</summary>
    static int[] Stream(Options o)
    {
        var rng = new Random(Seeding.DeriveSeed(o.Seed, "probe-stream"));
        var period = Enumerable.Range(0, 97).Select(_ => rng.Next(o.Vocab)).ToArray();
        return Enumerable.Range(0, 20_000).Select(i => period[i % period.Length]).ToArray();
    }
}
