using LlmLab.Tests.Cli;
using LlmLab.Training;

namespace LlmLab.Tests.Training;

/// <summary>
/// <c>llmlab train</c> on the bad paths: every refusal before anything is written (docs/part-06.md), outputs that cannot
/// be written (a read-only tmpfs, a file), a disk that fills up during a checkpoint (a tiny tmpfs), a diverged loss,
/// and Ctrl-C (a real process and a real SIGINT): one stderr line each, and the exit code of the contract.
/// </summary>
[Collection(TrainerCollection.Name)]
public sealed class TrainBadPathTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-train-bad-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    const string Tiny = """
        { "model": { "vocab_size": 280, "n_positions": 16, "n_embd": 16, "n_layer": 1, "n_head": 2 },
          "data": { "vocab_size": 280, "train_bytes": 8000, "validation_bytes": 2000 },
          "trainer": { "steps": 6, "batch": 2, "context": 16, "learning_rate": 3e-3, "eval_every": 3, "eval_batches": 1, "log_every": 3 },
          "threads": 1, "checkpoint_every": 3 }
        """;

    string Config()
    {
        string path = Path.Combine(_root, "config.json");
        File.WriteAllText(path, Tiny);
        return path;
    }

    static void OneErrorLine(string err, string expected)
    {
        string[] lines = err.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1, $"expected one stderr line, got {lines.Length}:\n{err}");
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotContain("   at ", err);
    }

    [Theory]
    [InlineData("data.shards=nowhere;data.tokenizer=gpt2", "shard directory")]                 // missing shards
    [InlineData("data.tokenizer=gpt2;data.vocab_size=50257", "the tokenizer has 50,257 ids")] // vocabulary too small for the tokenizer
    [InlineData("data.tokenizer=gpt2;model.vocab_size=50257", "data.vocab_size is 280")]     // data.vocab_size contradicts the tokenizer
    [InlineData("data.corpus=CORPUS;data.validation_bytes=256", "has no text")]              // an empty validation split
    [InlineData("model=null", "\"model\" must be an object")]                                  // would silently be GPT-2 small
    [InlineData("data=null", "\"data\" must be an object")]
    [InlineData("trainer.device=cuda", "trainer.device: device 'cuda' requested but CUDA is not available")]
    public void A_refused_run_writes_nothing(string sets, string expected)
    {
        string corpus = Path.Combine(_root, "small.txt");
        File.WriteAllText(corpus, "one short line\n");
        string run = Path.Combine(_root, "run");
        List<string> args = ["train", "--config", Config(), "--out", run];
        foreach (string s in sets.Split(';')) args.AddRange(["--set", s.Replace("CORPUS", corpus, StringComparison.Ordinal)]);
        var (code, _, err) = CliRun.Run([.. args]);
        Assert.Equal(2, code);
        OneErrorLine(err, expected);
        Assert.False(Directory.Exists(run), "a refused run created its output directory");
    }

    [Fact]
    public void An_output_on_a_read_only_file_system_or_onto_a_file_is_refused_before_any_work()
    {
        using var ro = TmpfsMount.Create(_root, 64, readOnly: true);
        var (code, _, err) = CliRun.Run("train", "--config", Config(), "--out", Path.Combine(ro.Path, "run"));
        Assert.Equal(2, code);
        OneErrorLine(err, "read-only file system");

        string file = Path.Combine(_root, "a-file");
        File.WriteAllText(file, "keep");
        (code, _, err) = CliRun.Run("train", "--config", Config(), "--out", file);
        Assert.Equal(2, code);
        OneErrorLine(err, "is a file");
        Assert.Equal("keep", File.ReadAllText(file));
    }

    [Fact]
    public void A_disk_that_fills_up_during_a_checkpoint_is_one_line_exit_1_and_no_half_checkpoint()
    {
        // 160 KiB: config.json, metrics.jsonl and one checkpoint of this model (~100 KB of weights and moments, a 14 KB
        // manifest with its sharding layout; 132 KiB in tmpfs pages) fit, a second does not: the save of step 6 runs out
        // of space part-way (ENOSPC from the kernel, not simulated).
        using var tiny = TmpfsMount.Create(_root, 160, readOnly: false);
        string run = Path.Combine(tiny.Path, "run");
        var (code, _, err) = CliRun.Run("train", "--config", Config(), "--out", run);
        Assert.Equal(1, code);
        OneErrorLine(err, "No space left on device");
        Assert.Contains("--resume", err);
        Assert.Empty(Directory.GetDirectories(run, ".step-*")); // the temporary directory was removed
        foreach (var (_, dir) in Checkpoint.List(run)) Checkpoint.Load(dir);  // what is published is complete
    }

    [Fact]
    public void A_diverged_loss_is_an_error_on_stderr_exit_1()
    {
        var (code, output, err) = CliRun.Run("train", "--config", Config(), "--out", Path.Combine(_root, "nan"), "--set",
            "trainer.learning_rate=1e30");
        Assert.Equal(1, code);
        OneErrorLine(err, "training diverged");
        Assert.DoesNotContain("error:", output);
    }

    [Fact]
    public void Ctrl_C_stops_at_a_step_saves_a_checkpoint_exits_130_and_the_run_resumes()
    {
        string config = Config(), run = Path.Combine(_root, "sigint");
        using var p = new CliProcess("train", "--config", config, "--out", run, "--set", "trainer.steps=1000000", "--set",
            "checkpoint_every=1000000",
            "--set", "trainer.log_every=1");
        p.WaitForOutput("step 5 |", TimeSpan.FromSeconds(120));
        p.Interrupt();
        Assert.Equal(130, p.WaitForExit(TimeSpan.FromSeconds(60)));
        string[] lines = p.Err.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1 && lines[0].StartsWith("interrupted: stopped at step ", StringComparison.Ordinal), p.Err);
        var saved = Checkpoint.Resolve(run);
        Assert.Contains($"stopped at step {saved.Step},", lines[0]);
        Assert.Contains($"--resume {run}", lines[0]);

        var (code, output, err) = CliRun.Run("train", "--config", config, "--resume", run, "--set", "trainer.steps=1000000",
            "--set", "checkpoint_every=1000000", "--set", $"trainer.stop_at_step={saved.Step + 2}");
        Assert.True(code == 0, err);
        Assert.Contains("done       step", output);
        Assert.Equal(saved.Step + 2, Checkpoint.Resolve(run).Step);
    }
}
