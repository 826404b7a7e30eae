using LlmLab.Alignment;
using LlmLab.Tests.Training;
using LlmLab.Training;

namespace LlmLab.Tests.Alignment;

[Collection(TrainerCollection.Name)]
public sealed class SftCommandTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-sft-cli-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    const string Tiny = """
        { "model": { "vocab_size": 280, "n_positions": 128, "n_embd": 16, "n_layer": 1, "n_head": 2 },
          "data": { "vocab_size": 280, "train_bytes": 8000, "validation_bytes": 2000 },
          "trainer": { "steps": 2, "batch": 2, "context": 32, "learning_rate": 3e-3, "eval_every": 2, "eval_batches": 1, "log_every": 1 },
          "threads": 1, "checkpoint_every": 2 }
        """;

    [Fact]
    public void Synth_then_sft_full_and_lora_write_checkpoints_that_load_and_record_their_base()
    {
        string config = Path.Combine(_root, "tiny.json"), run = Path.Combine(_root, "base");
        File.WriteAllText(config, Tiny);
        var (code, _, err) = CliRun.Run("train", "--config", config, "--out", run);
        Assert.True(code == 0, err);
        string train = Path.Combine(_root, "train.jsonl"), test = Path.Combine(_root, "test.jsonl");
        (code, var output, err) = CliRun.Run("data", "synth", "--families", "arithmetic,units", "--n", "20", "--test-n", "4", "--out", train, "--test-out", test);
        Assert.True(code == 0, err);
        Assert.Contains("wrote 20 training conversations", output);
        Assert.Equal(20, ChatJsonl.Read(train).Count);

        string full = Path.Combine(_root, "full");
        (code, output, err) = CliRun.Run("sft", "--base", run, "--data", train, "--out", full, "--steps", "3", "--batch", "2");
        Assert.True(code == 0, err);
        Assert.Contains("fine-tuned 3 steps (full)", output);
        var (model, tokenizer, ckpt) = GptPretraining.Load(full);
        using (model)
        {
            Assert.Equal(286, model.Config.VocabSize);                               // 280 + the six chat tokens
            Assert.Equal(286, tokenizer.VocabSize);
            Assert.Equal(280, (int)ckpt.Json["config"]!["sft"]!["base_vocab_size"]!);
            Assert.Equal("chat", (string)ckpt.Json["config"]!["sft"]!["chat_template"]!);
            Assert.EndsWith("step-00000002", (string)ckpt.Json["config"]!["sft"]!["base"]!);
        }
        // generate --chat goes through the checkpoint's chat template and stops at <|end|> (an id, never printed).
        string[] Chat(string dir)
        {
            var (c, o, e) = CliRun.Run("generate", "--checkpoint", dir, "--chat", "What is 2 + 3?", "--temperature", "0", "--max-tokens", "12");
            Assert.True(c == 0, e);
            return [o];
        }
        Assert.Equal(Chat(full), Chat(full));
        Assert.DoesNotContain("<|end|>", Chat(full)[0]);
        Assert.Single(Chat(run));                                                    // a base model: the transcript template
        var (both, _, bothErr) = CliRun.Run("generate", "--checkpoint", full, "--chat", "hi", "--prompt", "hi");
        Assert.Equal(2, both);
        Assert.Contains("exactly one of --prompt TEXT and --chat MESSAGE", bothErr);

        string lora = Path.Combine(_root, "lora");
        (code, output, err) = CliRun.Run("sft", "--base", run, "--data", train, "--out", lora, "--steps", "2", "--batch", "2", "--lora-rank", "2");
        Assert.True(code == 0, err);
        Assert.Contains("LoRA r = 2, merged", output);
        Assert.True(File.Exists(Path.Combine(lora, "adapter", LoraModel.AdapterFile)));
        GptPretraining.Load(lora).Model.Dispose();

        // bad input: a conversation longer than the context, a file that is not a chat — exit 2, nothing written
        string longChat = Path.Combine(_root, "long.jsonl");
        File.WriteAllText(longChat, "{\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('x', 400) + "\"},{\"role\":\"assistant\",\"content\":\"y\"}]}\n");
        (code, _, err) = CliRun.Run("sft", "--base", run, "--data", longChat, "--out", Path.Combine(_root, "x"), "--steps", "1");
        Assert.Equal(2, code);
        Assert.Contains("conversation 1 has", err);
        Assert.False(Directory.Exists(Path.Combine(_root, "x")));
        (code, _, err) = CliRun.Run("sft", "--base", run, "--data", test, "--out", full, "--steps", "1");
        Assert.Equal(2, code);
        Assert.Contains("already holds checkpoints", err);
    }
}
