using System.Text.Json.Nodes;
using LlmLab.Nn.Gpt;
using LlmLab.Planning;
using LlmLab.Runtime;
using LlmLab.Tests.Training;
using LlmLab.Training;
using LlmLab.Training.Distributed;

namespace LlmLab.Tests.Distributed;

/// <summary>
/// Checkpoints reloaded at another world size or stage (in-process ranks): the weights, AdamW's moments and step counts
/// of every rank's shards are put back together through the layout manifest and split again, so the resumed run continues
/// with the losses an uninterrupted run at the new world size has (within fp32 summation order), and at the same world
/// size and stage with the very same losses. Checkpoints without a manifest, or of another model, are refused naming the file.
/// </summary>
[Collection(TrainerCollection.Name)]
public sealed class ReshardingTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-reshard-").FullName;

    public ReshardingTests() => TorchRuntime.EnsureLoaded(1);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    const int GlobalBatch = 4, Stop = 4;

    static readonly TrainerOptions Options = TrainerEngineTests.Options with
    {
        Steps = 8, Batch = GlobalBatch, EvalEvery = 1000, GradClip = 0.3, WarmupSteps = 2,
    };

    static GptModel Model(int width = 16) => new(new GptConfig { VocabSize = 5, Context = 12, Width = width, Layers = 2, Heads = 2 });

    static TokenWindowBatches Global() => new(TrainerEngineTests.Text, GlobalBatch, 12, 5);

    /// <summary>Trains at <paramref name="world"/> ranks (0 = one process, no data parallelism) from seed 11, checkpointing
    /// into <paramref name="dir"/> (rank r in dir/rank-r) until <paramref name="stopAt"/>, or resuming from
    /// <paramref name="resume"/>; rank 0's losses of the steps run here.</summary>
    static double[] Train(int world, ZeroStage stage, string? dir, string? resume = null, int? stopAt = null, int width = 16)
    {
        var o = Options with { StopAtStep = stopAt };
        if (world == 0)
        {
            Seeding.SeedTorch(11);
            using var m = Model(width);
            var c = dir is null ? null : new CheckpointOptions(dir, Every: 2);
            return new Trainer(m, LanguageModelLoss.For(m), o).Run(Global(), checkpoints: c, resumeFrom: resume)
                .Steps.Skip(resume is null ? 0 : Stop).Select(s => s.Loss).ToArray();
        }
        var build = new object();
        return InProcessRanks.Run(world, c =>
        {
            GptModel m;
            lock (build)
            {
                Seeding.SeedTorch(11);
                m = Model(width);
            }
            using (m)
            {
                using var dp = new ShardedDataParallel(c, stage);
                var checkpoints = dir is null ? null : new CheckpointOptions(Path.Combine(dir, $"rank-{c.Rank}"), Every: 2);
                var r = new Trainer(m, LanguageModelLoss.For(m), o with { Batch = GlobalBatch / world }) { DataParallel = dp }
                    .Run(new RankBatches(Global(), c.Rank, world), checkpoints: checkpoints, resumeFrom: resume);
                return r.Steps.Skip(resume is null ? 0 : Stop).Select(s => s.Loss).ToArray();
            }
        })[0];
    }

    static void Close(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1e-5, $"{what}: max |Δloss| {worst:E2}\n{string.Join(", ", expected)}\n{string.Join(", ", actual)}");
    }

    [Theory]
    [InlineData(ZeroStage.None)]
    [InlineData(ZeroStage.Gradients)]
    [InlineData(ZeroStage.Parameters)]
    public void Two_ranks_resume_on_one_process(ZeroStage stage)
    {
        string dir = Path.Combine(_root, "two");
        Train(2, stage, dir, stopAt: Stop);
        var resumed = Train(0, stage, Path.Combine(_root, "one"), resume: dir);
        var uninterrupted = Train(0, stage, null).Skip(Stop).ToArray();
        Close(uninterrupted, resumed, $"2 ranks ({stage}) → 1 process");
    }

    [Theory]
    [InlineData(ZeroStage.OptimizerStates)]
    [InlineData(ZeroStage.Parameters)]
    public void One_process_resumes_on_two_ranks(ZeroStage stage)
    {
        string dir = Path.Combine(_root, "one");
        Train(0, stage, dir, stopAt: Stop);
        var resumed = Train(2, stage, Path.Combine(_root, "two"), resume: dir);
        var uninterrupted = Train(2, stage, null).Skip(Stop).ToArray();
        Close(uninterrupted, resumed, $"1 process → 2 ranks ({stage})");
    }

    [Fact]
    public void Two_ranks_under_zero3_resume_on_four_under_zero1()
    {
        string dir = Path.Combine(_root, "two");
        Train(2, ZeroStage.Parameters, dir, stopAt: Stop);
        var resumed = Train(4, ZeroStage.OptimizerStates, Path.Combine(_root, "four"), resume: dir);
        var uninterrupted = Train(4, ZeroStage.OptimizerStates, null).Skip(Stop).ToArray();
        Close(uninterrupted, resumed, "2 ranks (zero3) → 4 ranks (zero1)");
    }

    [Fact]
    public void Zero3_resumes_exactly_at_the_same_world_size()
    {
        string dir = Path.Combine(_root, "two");
        Train(2, ZeroStage.Parameters, dir, stopAt: Stop);
        var resumed = Train(2, ZeroStage.Parameters, dir, resume: dir);
        var uninterrupted = Train(2, ZeroStage.Parameters, null).Skip(Stop).ToArray();
        Assert.Equal(uninterrupted, resumed); // only copies: bit for bit
        // Every rank's part records the layout: 2 ranks, zero3, the buckets of each unit.
        var layout = ShardLayout.Read(Checkpoint.Resolve(Path.Combine(dir, "rank-1")));
        Assert.Equal((2, 1, "zero3"), (layout.WorldSize, layout.Rank, layout.Stage));
        Assert.Contains(layout.Buckets, b => b.Name == "h.1:decay" && b.ShardLength * 2 >= b.Length);
    }

    [Fact]
    public void A_checkpoint_without_a_manifest_or_of_another_model_is_refused_naming_the_file()
    {
        string dir = Path.Combine(_root, "one");
        Train(0, ZeroStage.None, dir, stopAt: Stop);
        // Another model: the layout names the first parameter whose shape differs.
        var e = Assert.Throws<AggregateException>(() => Train(2, ZeroStage.Gradients, null, resume: dir, width: 8));
        Assert.Contains("checkpoint.json': its layout has 'wte.weight' as (5, 16) and this model as (5, 8)", e.ToString());
        Assert.Equal(1, ShardedCheckpoint.Find(dir).WorldSize);
        // A checkpoint written before layouts were recorded (the manifest removed, its checksum made again).
        string manifest = Path.Combine(Checkpoint.Resolve(dir).Directory, Checkpoint.ManifestName);
        var json = JsonNode.Parse(File.ReadAllText(manifest))!.AsObject();
        json.Remove(ShardLayout.Key);
        json[Checkpoint.ManifestHashKey] = Checkpoint.ManifestSha256(json);
        File.WriteAllText(manifest, json.ToJsonString());
        e = Assert.Throws<AggregateException>(() => Train(2, ZeroStage.Gradients, null, resume: dir));
        Assert.Contains($"'{manifest}' has no \"sharding\" manifest", e.ToString());
        // One process still resumes it as before (no layout needed).
        Assert.Equal(Options.Steps - Stop, Train(0, ZeroStage.None, Path.Combine(_root, "again"), resume: dir).Length);
    }

    [Fact]
    public void Another_global_batch_and_one_ranks_part_alone_are_refused()
    {
        string dir = Path.Combine(_root, "two");
        Train(2, ZeroStage.Gradients, dir, stopAt: Stop);
        Seeding.SeedTorch(11);
        using var m = Model();
        var trainer = new Trainer(m, LanguageModelLoss.For(m), Options with { Batch = 2 });
        var e = Assert.Throws<InputException>(() => trainer.Run(Global(), resumeFrom: dir));
        Assert.Contains("global batch of 4 (trainer.batch 2 × 2 ranks) and this run has 2 (2 × 1): keep the global batch (set trainer.batch to 4)", e.Message);
        e = Assert.Throws<InputException>(() => trainer.Run(Global(), resumeFrom: Path.Combine(dir, "rank-1")));
        Assert.Contains("is rank 1's part of a checkpoint written by 2 ranks: resume from the run directory", e.Message);
    }
}
