using LlmLab.Alignment;
using LlmLab.Labs.Framework;
using LlmLab.Labs.Part07;
using LlmLab.Nn.Gpt;
using LlmLab.Reporting;
using LlmLab.Tests.Training;
using LlmLab.Tokenization;
using static TorchSharp.torch;

namespace LlmLab.Tests.Labs;

/// <summary>
/// A base given to SFT by path (<c>labs run 7.1 --set base=PATH</c>, <c>llmlab sft --base PATH</c>): our checkpoint, the
/// Hugging Face folder and the GGUF file exported from it open as the same model; lab 7.1 runs at smoke from the
/// checkpoint and from the folder without pretraining; bad paths are one-line errors (exit 2).
/// </summary>
[Collection(TrainerCollection.Name)]
public sealed class Part07SftBaseTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-sft-base-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    const string Tiny = """
        { "model": { "vocab_size": 280, "n_positions": 128, "n_embd": 16, "n_layer": 1, "n_head": 2 },
          "data": { "vocab_size": 280, "train_bytes": 8000, "validation_bytes": 2000 },
          "trainer": { "steps": 2, "batch": 2, "context": 32, "learning_rate": 3e-3, "eval_every": 2, "eval_batches": 1, "log_every": 1 },
          "threads": 1, "checkpoint_every": 2 }
        """;

    /// <summary>Trains the tiny base (2 steps) and exports it: (run directory, HF folder, GGUF file).</summary>
    (string Run, string Hf, string Gguf) Bases()
    {
        string config = Path.Combine(_root, "tiny.json"), run = Path.Combine(_root, "base"), hf = Path.Combine(_root, "hf"),
            gguf = Path.Combine(_root, "base.gguf");
        File.WriteAllText(config, Tiny);
        var (code, _, err) = CliRun.Run("train", "--config", config, "--out", run);
        Assert.True(code == 0, err);
        (code, _, err) = CliRun.Run("export", "hf", "--checkpoint", run, "--out", hf);
        Assert.True(code == 0, err);
        (code, _, err) = CliRun.Run("export", "gguf", "--checkpoint", run, "--out", gguf, "--type", "f32");
        Assert.True(code == 0, err);
        return (run, hf, gguf);
    }

    [Fact]
    public void A_checkpoint_its_hf_folder_and_its_gguf_open_as_the_same_base_and_lab_7_1_runs_from_them()
    {
        var (run, hf, gguf) = Bases();
        using var fromRun = SftBaseLoader.Open(run);
        using var fromHf = SftBaseLoader.Open(hf);
        using var fromGguf = SftBaseLoader.Open(gguf);
        Assert.Equal(("LlmLab checkpoint", "Hugging Face folder", "GGUF file"), (fromRun.Kind, fromHf.Kind, fromGguf.Kind));
        Assert.Equal(2, fromRun.Step);
        using (var scope = NewDisposeScope())
        {
            var ids = fromRun.Tokenizer.Encode("What is 12 + 30?");
            Assert.Equal(ids, fromHf.Tokenizer.Encode("What is 12 + 30?"));
            Assert.Equal(ids, fromGguf.Tokenizer.Encode("What is 12 + 30?"));
            var x = tensor(ids.Select(i => (long)i).ToArray(), [1, ids.Length]);
            var want = fromRun.Model.call(x);
            Assert.True(fromHf.Model.call(x).sub(want).abs().max().item<float>() < 1e-5f);
            Assert.True(fromGguf.Model.call(x).sub(want).abs().max().item<float>() < 1e-5f);
        }
        // the grown model: the chat tokens after the base's 280 ids
        var chat = fromHf.ChatTokenizer();
        using (var grown = fromHf.Grow(chat)) Assert.Equal(286, grown.Config.VocabSize);

        foreach (string path in new[] { run, hf })
        {
            var summary = new LabRunner(NullProgress.Instance, TextWriter.Null).Run([new SftLab()],
                new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: Path.Combine(_root, "runs"), Sets: [new("base", path)]));
            var r = Assert.Single(summary.Results);
            Assert.True(r.Passed, string.Join("\n", r.Checks.Where(c => c.Failed)) + r.Error);
            string report = File.ReadAllText(Path.Combine(summary.Directory, r.Directory, "report.md"));
            Assert.Contains("loaded, not pretrained here", report);
            Assert.Contains(path == run ? "LlmLab checkpoint" : "Hugging Face folder", report);
            Assert.Contains("Forgetting, and replaying pretraining text", report);
        }
    }

    [Fact]
    public void Sft_from_a_hf_folder_records_its_base()
    {
        var (_, hf, gguf) = Bases();
        string train = Path.Combine(_root, "train.jsonl"), test = Path.Combine(_root, "test.jsonl");
        var (code, _, err) = CliRun.Run("data", "synth", "--families", "arithmetic", "--n", "8", "--test-n", "2", "--out", train,
            "--test-out", test);
        Assert.True(code == 0, err);
        foreach (var (path, kind) in new[] { (hf, "Hugging Face folder"), (gguf, "GGUF file") })
        {
            string outDir = Path.Combine(_root, "sft-" + Path.GetFileName(path));
            (code, var output, err) = CliRun.Run("sft", "--base", path, "--data", train, "--out", outDir, "--steps", "2", "--batch", "2");
            Assert.True(code == 0, err);
            Assert.Contains($"base: {Path.GetFileName(path)} ({kind}", output);
            var (model, tokenizer, ckpt) = LlmLab.Training.GptPretraining.Load(outDir);
            using (model)
            {
                Assert.Equal(286, model.Config.VocabSize);
                Assert.True(ChatTokens.HasAll((BpeTokenizer)tokenizer));
                Assert.Equal(kind, (string)ckpt.Json["config"]!["sft"]!["base_kind"]!);
                Assert.Equal(Path.GetFullPath(path), (string)ckpt.Json["config"]!["sft"]!["base"]!);
            }
        }
    }

    [Fact]
    public void Bad_base_paths_are_one_line_errors_and_exit_2()
    {
        string text = Path.Combine(_root, "notes.txt"), empty = Path.Combine(_root, "empty"), noTokenizer = Path.Combine(_root,
            "hf-no-tok");
        File.WriteAllText(text, "not a model");
        Directory.CreateDirectory(empty);
        Directory.CreateDirectory(noTokenizer);
        File.WriteAllText(Path.Combine(noTokenizer, "config.json"), "{}");
        File.WriteAllText(Path.Combine(noTokenizer, "model.safetensors"), "");
        foreach (var (path, says) in new[]
                 {
                     (Path.Combine(_root, "missing"), "does not exist"), (text, "not GGUF"), (empty, "holds no checkpoint"),
                     (noTokenizer, "without tokenizer.json"),
                 })
        {
            Assert.Contains(says, Assert.Throws<InputException>(() => SftBaseLoader.Check(path)).Message);
            string runs = Path.Combine(_root, "runs-" + Path.GetFileName(path));
            var (code, _, err) = CliRun.Run("labs", "run", "7.1", "--profile", "smoke", "--set", $"base={path}", "--runs", runs);
            Assert.Equal(2, code);
            Assert.Contains(says, err);
            Assert.Single(err.TrimEnd('\n').Split('\n'));
            Assert.False(Directory.Exists(runs) && Directory.EnumerateFileSystemEntries(runs).Any());
            (code, _, err) = CliRun.Run("sft", "--base", path, "--data", text, "--out", Path.Combine(_root, "o"));
            Assert.Equal(2, code);
            Assert.Contains(says, err);
        }
        for (int lab = 2; lab <= 3; lab++)
        {
            var (code, _, err) = CliRun.Run("labs", "run", $"7.{lab}", "--profile", "smoke", "--set", $"base={text}", "--runs",
                Path.Combine(_root, "r"));
            Assert.Equal(2, code);
            Assert.Contains("not GGUF", err);
        }
    }

    [Fact]
    public void A_base_whose_tokenizer_is_not_byte_level_bpe_is_refused()
    {
        LlmLab.Runtime.TorchRuntime.EnsureLoaded(1);
        var chars = CharTokenizer.Build(["abcdef"], UnknownCharPolicy.Unk);
        var model = new GptModel(new GptConfig { VocabSize = chars.VocabSize, Context = 16, Width = 8, Layers = 1, Heads = 2 });
        var e = Assert.Throws<InputException>(() => new SftBaseModel(model, chars, "/models/chars", "LlmLab checkpoint", "chars"));
        Assert.Contains("not a byte-level BPE", e.Message);
        Assert.Contains("/models/chars", e.Message);
    }
}
