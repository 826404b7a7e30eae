using LlmLab.Alignment;
using LlmLab.Tests.Training;
using LlmLab.Training;

namespace LlmLab.Tests.Alignment;

/// <summary><c>llmlab rm</c>, <c>dpo</c> and <c>ppo</c> end to end on a tiny base: pretrain → synth → sft → rm → dpo → ppo,
/// each checkpoint loading as the next one's input; and their bad inputs (exit 2, one line naming the line or key).</summary>
[Collection(TrainerCollection.Name)]
public sealed class AlignmentCommandTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-align-cli-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    static string Tiny(int vocab) => $$"""
        { "model": { "vocab_size": {{vocab}}, "n_positions": 128, "n_embd": 16, "n_layer": 1, "n_head": 2 },
          "data": { "vocab_size": {{vocab}}, "train_bytes": 8000, "validation_bytes": 2000 },
          "trainer": { "steps": 2, "batch": 2, "context": 32, "learning_rate": 3e-3, "eval_every": 2, "eval_batches": 1, "log_every": 1 },
          "threads": 1, "checkpoint_every": 2 }
        """;

    string Sft(string name, int vocab, string train)
    {
        string config = Path.Combine(_root, name + ".json"), run = Path.Combine(_root, name + "-base"), sft = Path.Combine(_root, name + "-sft");
        File.WriteAllText(config, Tiny(vocab));
        var (code, _, err) = CliRun.Run("train", "--config", config, "--out", run);
        Assert.True(code == 0, err);
        (code, _, err) = CliRun.Run("sft", "--base", run, "--data", train, "--out", sft, "--steps", "2", "--batch", "2");
        Assert.True(code == 0, err);
        return sft;
    }

    [Fact]
    public void Rm_dpo_and_ppo_chain_from_an_sft_checkpoint_and_refuse_bad_inputs()
    {
        string train = Path.Combine(_root, "train.jsonl"), test = Path.Combine(_root, "test.jsonl");
        var (code, _, err) = CliRun.Run("data", "synth", "--families", "arithmetic", "--n", "12", "--test-n", "4", "--out", train, "--test-out", test);
        Assert.True(code == 0, err);
        string sft = Sft("a", 280, train);
        string pairs = Path.Combine(_root, "pairs.jsonl");
        PreferenceJsonl.Write(pairs, PreferencePairs.Synthetic(ChatJsonl.Read(train), seed: 1));

        string rm = Path.Combine(_root, "rm");
        (code, var output, err) = CliRun.Run("rm", "--sft", sft, "--pairs", pairs, "--out", rm, "--steps", "2", "--batch", "2", "--eval", pairs);
        Assert.True(code == 0, err);
        Assert.Contains("held-out pairwise accuracy", output);
        RewardModelCheckpoint.Load(rm).Model.Dispose();

        string dpo = Path.Combine(_root, "dpo");
        (code, output, err) = CliRun.Run("dpo", "--sft", sft, "--pairs", pairs, "--out", dpo, "--steps", "2", "--batch", "2");
        Assert.True(code == 0, err);
        Assert.Contains("DPO 2 steps on 12 pairs: loss 0.693", output);                  // ln 2 at the reference
        var (model, _, ckpt) = GptPretraining.Load(dpo);
        model.Dispose();
        Assert.Equal(0.1, (double)ckpt.Json["config"]!["dpo"]!["beta"]!);

        string ppoConfig = Path.Combine(_root, "ppo.json");
        File.WriteAllText(ppoConfig, """{ "rollouts": 1, "rollout_batch": 4, "mini_batch": 2, "epochs": 1, "max_new_tokens": 6, "kl": "k3" }""");
        foreach (var reward in new[] { new[] { "--reward-model", rm }, new[] { "--checker" } })
        {
            string ppo = Path.Combine(_root, "ppo-" + reward.Length);
            (code, output, err) = CliRun.Run(["ppo", "--sft", sft, "--prompts", train, "--out", ppo, "--config", ppoConfig, .. reward]);
            Assert.True(code == 0, err);
            Assert.Contains("PPO 1 rollouts, 2 steps", output);
            GptPretraining.Load(ppo).Model.Dispose();
        }

        // Bad inputs: exit 2, one line naming the line or key, nothing written.
        string same = Path.Combine(_root, "same.jsonl");
        File.WriteAllText(same, "{\"prompt\":\"a\",\"chosen\":\"b\",\"rejected\":\"c\"}\n{\"prompt\":\"a\",\"chosen\":\"b\",\"rejected\":\"b\"}\n");
        (code, _, err) = CliRun.Run("dpo", "--sft", sft, "--pairs", same, "--out", Path.Combine(_root, "x"));
        Assert.Equal(2, code);
        Assert.Contains("same.jsonl:2: \"chosen\" and \"rejected\" are identical", err);
        File.WriteAllText(same, "{\"prompt\":\"a\",\"chosen\":\"b\"}\n");
        (code, _, err) = CliRun.Run("rm", "--sft", sft, "--pairs", same, "--out", Path.Combine(_root, "x"));
        Assert.Equal(2, code);
        Assert.Contains("same.jsonl:1: missing key \"rejected\"", err);
        File.WriteAllText(ppoConfig, """{ "rollouts": 1, "kl_penalty": 0.1 }""");
        (code, _, err) = CliRun.Run("ppo", "--sft", sft, "--prompts", train, "--out", Path.Combine(_root, "x"), "--checker", "--config", ppoConfig);
        Assert.Equal(2, code);
        Assert.Contains("kl_penalty", err);
        string other = Sft("b", 300, train);                                                  // another tokenizer
        (code, _, err) = CliRun.Run("dpo", "--sft", sft, "--pairs", pairs, "--out", Path.Combine(_root, "x"), "--reference", other);
        Assert.Equal(2, code);
        Assert.Contains("--reference", err);
        Assert.Contains("another tokenizer", err);
        (code, _, err) = CliRun.Run("ppo", "--sft", sft, "--prompts", train, "--out", Path.Combine(_root, "x"), "--reward-model", sft);
        Assert.Equal(2, code);
        Assert.Contains("is not a reward model", err);
        Assert.False(Directory.Exists(Path.Combine(_root, "x")));
    }
}
