using System.Diagnostics;
using LlmLab.Training;

namespace LlmLab.Tests.Training;

/// <summary>
/// A real <c>llmlab train</c> process killed with SIGKILL while it writes a checkpoint: the newest published checkpoint
/// must still load, hashes verified, and the half-written one must be ignored.
/// </summary>
public sealed class KillDuringSaveTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-kill-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_run_killed_mid_save_leaves_the_last_good_checkpoint_readable()
    {
        // ~1.7M parameters (20 MB of weights and moments per checkpoint) and a checkpoint every step: most of the
        // process's time goes to saving, so a kill as soon as a temporary directory appears lands inside a save.
        string config = Path.Combine(_root, "config.json");
        File.WriteAllText(config, """
            { "model": { "vocab_size": 300, "n_positions": 16, "n_embd": 256, "n_layer": 2, "n_head": 4 },
              "data": { "vocab_size": 300, "train_bytes": 20000, "validation_bytes": 4000 },
              "trainer": { "steps": 1000, "batch": 2, "context": 16, "learning_rate": 1e-3, "eval_every": 1000, "eval_batches": 1, "log_every": 1000 },
              "threads": 1, "checkpoint_every": 1, "keep_last": 2 }
            """);
        string run = Path.Combine(_root, "run");
        using var process = new CliProcess("train", "--config", config, "--out", run);
        var clock = Stopwatch.StartNew();
        bool killedDuringSave = false;
        while (clock.Elapsed < TimeSpan.FromSeconds(120) && !process.HasExited)
        {
            if (Directory.Exists(run) && Checkpoint.List(run).Count > 0 && Directory.GetDirectories(run, ".step-*.tmp").Length > 0)
            {
                process.Kill(); // SIGKILL on Unix: no finally blocks, no flush
                killedDuringSave = true;
                break;
            }
            Thread.Sleep(1);
        }
        process.Kill();
        Assert.True(killedDuringSave, $"the run never reached a second save in {clock.Elapsed.TotalSeconds:0} s:\n{process.Out}\n{process.Err}");

        var good = Checkpoint.Resolve(run); // verifies every file's SHA-256
        Assert.True(good.Step >= 1);
        Assert.DoesNotContain(Checkpoint.List(run), c => Path.GetFileName(c.Directory).StartsWith('.'));
        var (model, _, _) = GptPretraining.Load(run);
        using (model) Assert.Equal(256, model.Config.Width);
    }
}
