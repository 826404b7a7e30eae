using System.Text.Json.Nodes;
using LlmLab.Tests.Training;
using LlmLab.Training.Distributed;

namespace LlmLab.Tests.Distributed;

/// <summary>
/// <c>llmlab train</c> under a real <c>mpirun -np 2</c> (OpenMPI, ranks as processes): the loss sequence equals one
/// process's at the same global batch, a run stopped and resumed on 2 ranks continues with the same losses, and a
/// killed rank ends the job, naming the rank, instead of hanging it. Each job takes a few seconds.
/// </summary>
[Collection(TrainerCollection.Name)]
public sealed class MpiTrainTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-mpi-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    const string Tiny = """
        { "model": { "vocab_size": 280, "n_positions": 16, "n_embd": 16, "n_layer": 1, "n_head": 2 },
          "data": { "vocab_size": 280, "train_bytes": 8000, "validation_bytes": 2000 },
          "trainer": { "steps": 6, "batch": 2, "context": 16, "learning_rate": 3e-3, "min_learning_rate": 3e-4, "warmup_steps": 1,
                       "eval_every": 3, "eval_batches": 1, "log_every": 1, "grad_clip": 0.5 },
          "threads": 1, "checkpoint_every": 3 }
        """;

    string Config()
    {
        string path = Path.Combine(_root, "c.json");
        File.WriteAllText(path, Tiny);
        return path;
    }

    static double[] Losses(string run) => File.ReadLines(Path.Combine(run, "metrics.jsonl"))
        .Select(l => JsonNode.Parse(l)!).Where(n => (string?)n["kind"] == "step").Select(n => (double)n["loss"]!).ToArray();

    [Fact]
    public void Two_mpi_ranks_under_zero2_match_one_process_and_resume_exactly()
    {
        string config = Config(), single = Path.Combine(_root, "single"), sharded = Path.Combine(_root, "sharded");
        var (code, _, err) = CliRun.Run("train", "--config", config, "--out", single, "--set", "trainer.batch=4"); // B·N = 2·2
        Assert.True(code == 0, err);
        using (var job = new MpiJob(2, "train", "--config", config, "--out", sharded, "--set", "data_parallel=zero2", "--set",
            "trainer.stop_at_step=3"))
            Assert.True(job.WaitForExit(TimeSpan.FromSeconds(60)) == 0, job.Output);
        using (var job = new MpiJob(2, "train", "--config", config, "--resume", sharded, "--set", "data_parallel=zero2"))
        {
            Assert.True(job.WaitForExit(TimeSpan.FromSeconds(60)) == 0, job.Output);
            Assert.Contains("parallel   2 ranks (MPI), zero2", job.Output);
        }
        // One process may resume it (resharded) only at the same global batch: refused, naming the setting, before anything is written.
        var (refused, _, why) = CliRun.Run("train", "--config", config, "--resume", sharded);
        Assert.Equal(2, refused);
        Assert.Contains("global batch of 4 (trainer.batch 2 × 2 ranks) and this run has 2 (2 × 1): keep the global batch (set trainer.batch to 4)", why);
        Assert.False(Directory.Exists(Path.Combine(sharded, "step-00000006")));
        var expected = Losses(single);
        foreach (int rank in (int[])[0, 1])
        {
            var got = Losses(Path.Combine(sharded, $"rank-{rank}"));
            Assert.Equal(6, got.Length);
            double worst = expected.Zip(got, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst <= 1e-5, $"rank {rank}: max |Δloss| {worst:E2}\n{string.Join(", ", expected)}\n{string.Join(", ", got)}");
        }
    }

    [Fact]
    public void A_one_process_checkpoint_resumes_on_two_mpi_ranks_under_zero3()
    {
        // Ranks as processes, ZeRO-3 (weights sharded, blocks gathered per use) from scratch and resumed from a checkpoint
        // of one process at the same global batch (resharded: the flat shards cut from the one-process weights and moments).
        string config = Config(), single = Path.Combine(_root, "single"), half = Path.Combine(_root, "half"),
            zero3 = Path.Combine(_root, "zero3");
        foreach (var (dir, extra) in new (string, string[])[] { (single, []), (half, ["--set", "trainer.stop_at_step=3"]) })
        {
            var (code, _, err) = CliRun.Run(["train", "--config", config, "--out", dir, "--set", "trainer.batch=4", .. extra]);
            Assert.True(code == 0, err);
        }
        using (var job = new MpiJob(2, "train", "--config", config, "--resume", half, "--set", "data_parallel=zero3"))
        {
            Assert.True(job.WaitForExit(TimeSpan.FromSeconds(90)) == 0, job.Output);
            Assert.Contains("parallel   2 ranks (MPI), zero3", job.Output);
        }
        using (var job = new MpiJob(2, "train", "--config", config, "--out", zero3, "--set", "data_parallel=zero3"))
            Assert.True(job.WaitForExit(TimeSpan.FromSeconds(90)) == 0, job.Output);
        var expected = Losses(single);
        var resumed = Losses(Path.Combine(half, "rank-0"));
        Assert.Equal(6, resumed.Length); // steps 1-3 carried over from the one-process checkpoint, 4-6 run at 2 ranks
        Assert.Equal(expected[..3], resumed[..3]);
        foreach (var (what, got) in new (string, double[])[] { ("resumed", resumed), ("from scratch", Losses(Path.Combine(zero3,
            "rank-1"))) })
        {
            double worst = expected.Zip(got, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst <= 1e-5, $"zero3 {what}: max |Δloss| {worst:E2}\n{string.Join(", ", expected)}\n{string.Join(", ", got)}");
        }
    }

    [Fact]
    public void A_killed_rank_ends_the_job_naming_it_instead_of_hanging()
    {
        string config = Config();
        using var job = new MpiJob(2, "train", "--config", config, "--out", Path.Combine(_root, "killed"), "--set", "trainer.steps=100000",
            "--set", "trainer.eval_every=100000", "--set", "checkpoint_every=100000", "--set", "data_parallel=ddp");
        job.WaitForOutput("step 1 |", TimeSpan.FromSeconds(60));
        int victim = job.RankProcess(1);
        using (var kill = System.Diagnostics.Process.Start("kill", ["-KILL",
            victim.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            kill.WaitForExit();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int exit = job.WaitForExit(TimeSpan.FromSeconds(30)); // a hang fails here
        Assert.NotEqual(0, exit);
        Assert.Matches(@"rank 1 .*(signal 9|Killed)", job.Output.Replace('\n', ' '));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void A_sharding_stage_outside_mpirun_is_an_error_naming_the_package()
    {
        Assert.False(MpiCollectives.InMpiJob, "the test runner itself must not run under mpirun");
        var e = Assert.Throws<InputException>(() => ShardedDataParallel.FromEnvironment("zero1", "c.json: data_parallel"));
        Assert.Contains("not started by mpirun", e.Message);
        Assert.Contains("apt-get install openmpi-bin libopenmpi-dev", e.Message);
        Assert.Null(ShardedDataParallel.FromEnvironment(null, "data_parallel")); // no stage, no mpirun: one process
        Assert.Contains("must be \"ddp\"", Assert.Throws<InputException>(() => ShardedDataParallel.ParseStage("zero4",
            "data_parallel")).Message);
    }
}
