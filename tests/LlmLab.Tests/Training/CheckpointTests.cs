using System.Text.Json.Nodes;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Training;
using static TorchSharp.torch;

namespace LlmLab.Tests.Training;

[Collection(TrainerCollection.Name)]
public sealed class CheckpointTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-ckpt-").FullName;

    public CheckpointTests() => TorchRuntime.EnsureLoaded(1);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    static readonly int[] Text = TrainerEngineTests.Text;

    // Dropout on: resuming must restore libtorch's RNG too, or the masks (and the losses) after the resume would differ.
    static GptModel Model(int seed = 3, int width = 16)
    {
        Seeding.SeedTorch(seed);
        return new GptModel(new GptConfig { VocabSize = 5, Context = 12, Width = width, Layers = 1, Heads = 2, Dropout = 0.1 });
    }

    static readonly TrainerOptions Options = TrainerEngineTests.Options;

    static JsonObject Config(int width = 16) => new() { ["model"] = new JsonObject { ["n_embd"] = width } };

    TrainingResult Train(GptModel model, string dir, TrainerOptions options, string? resume = null, int every = 4, int keep = 10)
    {
        using var eval = EvalSet.FromTokens(Text, 12, 4, 2);
        var checkpoints = new CheckpointOptions(Path.Combine(_root, dir), every, KeepLast: keep) { Config = Config((int)model.Config.Width) };
        return new Trainer(model, LanguageModelLoss.For(model), options).Run(new TokenWindowBatches(Text, 4, 12, 7), eval,
            checkpoints: checkpoints, resumeFrom: resume is null ? null : Path.Combine(_root, resume));
    }

    [Fact]
    public void A_resumed_run_repeats_the_uninterrupted_losses_bit_for_bit()
    {
        using var whole = Model();
        var reference = Train(whole, "whole", Options);

        using (var first = Model())
            Train(first, "pieces", Options with { StopAtStep = 6 });
        Assert.Equal([4, 6], Checkpoint.List(Path.Combine(_root, "pieces")).Select(c => c.Step).ToArray());
        using var second = Model(seed: 99); // other initial weights: everything must come from the checkpoint
        var resumed = Train(second, "pieces", Options, resume: "pieces");

        Assert.Equal(12, resumed.StepsDone);
        Assert.Equal(reference.Steps.Select(s => s.Loss).ToArray(), resumed.Steps.Select(s => s.Loss).ToArray());
        Assert.Equal(reference.Steps.Select(s => s.GradNorm).ToArray(), resumed.Steps.Select(s => s.GradNorm).ToArray());
        Assert.Equal(reference.Steps.Select(s => s.LearningRate).ToArray(), resumed.Steps.Select(s => s.LearningRate).ToArray());
        Assert.Equal(reference.Final!.Loss, resumed.Final!.Loss);
        Assert.Equal(reference.Tokens, resumed.Tokens);
        var w = whole.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in second.named_parameters()) Assert.True(p.eq(w[name]).all().item<bool>(), name);
        // metrics.jsonl holds each step once, the resumed part after the restored one.
        var lines = File.ReadAllLines(Path.Combine(_root, "pieces", "metrics.jsonl"));
        Assert.Equal(Enumerable.Range(1, 12).ToArray(), lines.Where(l => l.Contains("\"kind\":\"step\"")).Select(l => (int)JsonNode.Parse(l)!["step"]!).ToArray());
    }

    [Fact]
    public void A_run_stopped_by_its_time_budget_is_checkpointed_at_its_last_step()
    {
        using var model = Model();
        var r = Train(model, "budget", Options with { TimeBudgetSeconds = 1e-6, MinSteps = 3 });
        Assert.True(r.StoppedByTimeBudget);
        Assert.Equal(3, Checkpoint.Resolve(Path.Combine(_root, "budget")).Step); // every 4: only the budget stop saved step 3
    }

    [Fact]
    public void Keep_last_k_and_the_best_by_validation()
    {
        using var model = Model();
        var r = Train(model, "run", Options, every: 2, keep: 2);
        var kept = Checkpoint.List(Path.Combine(_root, "run")).Select(c => c.Step).ToList();
        var best = r.Evals.Where(e => e.Step > 0 && e.Step % 2 == 0).MinBy(e => e.Loss)!;
        Assert.Equal(new[] { 10, 12 }.Union([best.Step]).Order().ToArray(), kept.ToArray());
        Assert.Equal(best.Step, Checkpoint.Best(Path.Combine(_root, "run"))!.Step);
        Assert.Equal(best.Loss, Checkpoint.Best(Path.Combine(_root, "run"))!.ValidationLoss);
    }

    [Fact]
    public void An_interrupted_save_leaves_the_last_good_checkpoint_readable()
    {
        using (var model = Model()) Train(model, "run", Options with { StopAtStep = 4 });
        // What a kill during the save of step 8 leaves: a temporary directory with a cut tensor file and no manifest.
        string tmp = Path.Combine(_root, "run", ".step-00000008.deadbeef.tmp");
        Directory.CreateDirectory(tmp);
        File.WriteAllBytes(Path.Combine(tmp, Checkpoint.ModelFile), [.. "LLTS"u8, 1, 0, 0, 0, 9, 0]);
        Assert.Equal(4, Checkpoint.Resolve(Path.Combine(_root, "run")).Step);
        using (var model = Model()) Train(model, "run", Options with { StopAtStep = 8 }, resume: "run");
        Assert.False(Directory.Exists(tmp)); // the next save cleared it
        Assert.Equal(8, Checkpoint.Resolve(Path.Combine(_root, "run")).Step);

        // The tensor reader itself refuses a cut file.
        string cut = Path.Combine(_root, "cut.tensors");
        using (var scope = NewDisposeScope())
            TensorFile.Write(cut, [KeyValuePair.Create("w", ones(4, 4))]);
        File.WriteAllBytes(cut, File.ReadAllBytes(cut)[..^10]);
        Assert.Contains("truncated", Assert.Throws<InputException>(() => TensorFile.Read(cut)).Message);
    }

    [Fact]
    public void Bad_checkpoints_and_directories_are_refused_with_nothing_overwritten()
    {
        using (var model = Model()) Train(model, "run", Options with { StopAtStep = 4 });
        string run = Path.Combine(_root, "run");
        var before = Directory.GetFiles(run, "*", SearchOption.AllDirectories).ToDictionary(f => f, Checkpoint.Sha256);

        using var wide = Model(width: 32);
        Assert.Contains("model.n_embd = 16, this run has 32", Assert.Throws<InputException>(() => Train(wide, "run", Options, resume: "run")).Message);
        using var model2 = Model();
        Assert.Contains("trainer.batch = 4, this run has 8", Assert.Throws<InputException>(() => Train(model2, "run", Options with { Batch = 8 }, resume: "run")).Message);
        Assert.Contains("already holds checkpoints", Assert.Throws<InputException>(() => Train(model2, "run", Options)).Message);
        Assert.Contains("not a checkpoint", Assert.Throws<InputException>(() => Checkpoint.Load(_root)).Message);
        string empty = Directory.CreateDirectory(Path.Combine(_root, "empty")).FullName;
        Assert.Contains("holds no checkpoint", Assert.Throws<InputException>(() => Checkpoint.Resolve(empty)).Message);
        Assert.Equal(before, Directory.GetFiles(run, "*", SearchOption.AllDirectories).ToDictionary(f => f, Checkpoint.Sha256));

        // A shape mismatch without a config to compare is caught tensor by tensor.
        var e2 = Assert.Throws<InputException>(() => new Trainer(wide, LanguageModelLoss.For(wide), Options)
            .Run(new TokenWindowBatches(Text, 4, 12, 7), resumeFrom: run));
        Assert.Contains("another model config", e2.Message);

        // A damaged tensor file fails its hash.
        string file = Path.Combine(Checkpoint.List(run)[^1].Directory, Checkpoint.ModelFile);
        var bytes = File.ReadAllBytes(file);
        bytes[^1] ^= 1;
        File.WriteAllBytes(file, bytes);
        Assert.Contains("SHA-256", Assert.Throws<InputException>(() => Checkpoint.Resolve(run)).Message);
    }

    [Theory]
    [InlineData("\"step\": 4", "\"step\": 5")]          // the step a resume starts from
    [InlineData("\"drawn\": ", "\"drawn\": 1")]         // the batch provider's cursor (a digit put in front)
    public void A_one_digit_edit_of_the_manifest_is_refused(string find, string replace)
    {
        using (var model = Model()) Train(model, "run", Options with { StopAtStep = 4 });
        string manifest = Path.Combine(Checkpoint.List(Path.Combine(_root, "run"))[^1].Directory, Checkpoint.ManifestName);
        string text = File.ReadAllText(manifest);
        Assert.Contains(find, text);
        int at = text.LastIndexOf(find, StringComparison.Ordinal); // the top-level "step" comes after the metrics
        File.WriteAllText(manifest, text[..at] + replace + text[(at + find.Length)..]);
        Assert.Contains(Checkpoint.ManifestHashKey, Assert.Throws<InputException>(() => Checkpoint.Resolve(Path.Combine(_root, "run"))).Message);
        using var again = Model();
        Assert.Throws<InputException>(() => Train(again, "run", Options, resume: "run"));
    }

    [Fact]
    public void A_version_1_manifest_without_checksum_still_loads_but_a_downgraded_one_is_refused()
    {
        using (var model = Model()) Train(model, "run", Options with { StopAtStep = 4 });
        string dir = Checkpoint.List(Path.Combine(_root, "run"))[^1].Directory, manifest = Path.Combine(dir, Checkpoint.ManifestName);
        var json = JsonNode.Parse(File.ReadAllText(manifest))!.AsObject();
        Assert.Equal(Checkpoint.FormatVersion, (int)json["version"]!);
        json["version"] = 1; // a one-digit edit of the version alone: the checksum is still there
        File.WriteAllText(manifest, json.ToJsonString());
        Assert.Contains("says version 1", Assert.Throws<InputException>(() => Checkpoint.Load(dir)).Message);
        json.Remove(Checkpoint.ManifestHashKey); // what llmlab wrote before the checksum: accepted, tensor hashes still checked
        File.WriteAllText(manifest, json.ToJsonString());
        Assert.Equal(4, Checkpoint.Load(dir).Step);
    }

    [Fact]
    public void A_newest_step_directory_without_manifest_is_refused_instead_of_retrained()
    {
        using (var model = Model()) Train(model, "run", Options with { StopAtStep = 4 });
        // step-00000008 copied in part (no checkpoint.json): resuming from step 4 would train to 8 and fail to save there.
        string partial = Directory.CreateDirectory(Path.Combine(_root, "run", Checkpoint.DirectoryName(8))).FullName;
        File.Copy(Path.Combine(_root, "run", Checkpoint.DirectoryName(4), Checkpoint.ModelFile), Path.Combine(partial, Checkpoint.ModelFile));
        var e = Assert.Throws<InputException>(() => Checkpoint.Resolve(Path.Combine(_root, "run")));
        Assert.Contains("step-00000008' has no checkpoint.json", e.Message);
        Assert.Contains("newest complete checkpoint is step-00000004", e.Message);
        using (var model = Model())
            Assert.Contains("no checkpoint.json", Assert.Throws<InputException>(() =>
                Train(model, "run", Options, resume: Path.Combine("run", Checkpoint.DirectoryName(4)))).Message);
        // A fresh run into a directory that holds only an incomplete one is refused too.
        string fresh = Directory.CreateDirectory(Path.Combine(_root, "fresh", Checkpoint.DirectoryName(8))).FullName;
        using (var model = Model())
            Assert.Contains("no checkpoint.json", Assert.Throws<InputException>(() => Train(model, "fresh", Options)).Message);
        Assert.Empty(Directory.GetFiles(fresh));
    }

    [Fact]
    public void Resuming_with_another_thread_count_is_refused_with_the_fix()
    {
        using (var model = Model()) Train(model, "run", Options with { StopAtStep = 4 });
        Assert.Equal(1, (int)Checkpoint.Resolve(Path.Combine(_root, "run")).Json["threads"]!);
        set_num_threads(2);
        try
        {
            using var model = Model();
            var e = Assert.Throws<InputException>(() => Train(model, "run", Options, resume: "run"));
            Assert.Contains("trained with 1 intra-op thread and this process has 2", e.Message);
            Assert.Contains("--set threads=1", e.Message);
        }
        finally
        {
            set_num_threads(1);
        }
    }

    [Fact]
    public void A_cancelled_run_saves_the_step_it_reached_and_resumes_bit_for_bit()
    {
        using var whole = Model();
        var reference = Train(whole, "whole", Options);

        using var cts = new CancellationTokenSource();
        using (var first = Model())
        {
            using var eval = EvalSet.FromTokens(Text, 12, 4, 2);
            var checkpoints = new CheckpointOptions(Path.Combine(_root, "cut"), 4, KeepLast: 10) { Config = Config() };
            Assert.ThrowsAny<OperationCanceledException>(() => new Trainer(first, LanguageModelLoss.For(first), Options)
                .Run(new TokenWindowBatches(Text, 4, 12, 7), eval, onStep: s => { if (s.Step == 6) cts.Cancel(); },
                    cancellationToken: cts.Token, checkpoints: checkpoints));
        }
        Assert.Equal([4, 6], Checkpoint.List(Path.Combine(_root, "cut")).Select(c => c.Step).ToArray());
        using var second = Model(seed: 99);
        var resumed = Train(second, "cut", Options, resume: "cut");
        Assert.Equal(reference.Steps.Select(s => s.Loss).ToArray(), resumed.Steps.Select(s => s.Loss).ToArray());
    }

    [Fact]
    public void Token_windows_resume_where_they_stopped_and_refuse_other_data()
    {
        var a = new TokenWindowBatches(Text, 3, 5, 11);
        for (int i = 0; i < 4; i++) a.Next();
        var state = a.SaveState();
        var b = new TokenWindowBatches(Text, 3, 5, 11);
        b.RestoreState(state);
        using var scope = NewDisposeScope();
        Assert.True(a.Next().X.eq(b.Next().X).all().item<bool>());
        Assert.Equal(5, b.Drawn);
        Assert.Contains("checksum", Assert.Throws<InputException>(() => new TokenWindowBatches(Text.Reverse().ToArray(), 3, 5, 11).RestoreState(state)).Message);
        Assert.Contains("batch = 3", Assert.Throws<InputException>(() => new TokenWindowBatches(Text, 4, 5, 11).RestoreState(state)).Message);
    }
}
