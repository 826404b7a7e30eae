using System.Globalization;
using System.Text.Json.Nodes;
using LlmLab.Alignment;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab ppo</c>: PPO of a chat checkpoint on prompts (chat JSONL, e.g. from <c>llmlab data synth</c>) with a
/// reward model from <c>llmlab rm</c>, or with the task checker as the reward (<c>--checker</c>: each prompt's family
/// and reference reply grade the sampled reply, 1 right, 0 wrong); writes a checkpoint that <c>generate</c> and
/// <c>serve --checkpoint</c> load.</summary>
public sealed class PpoCommand : CliCommand
{
    public override string Name => "ppo";
    public override string Summary => "RL-tune a chat checkpoint with PPO against a reward model (--reward-model) or the task checker (--checker)";
    public override string Usage => "--sft DIR --prompts chats.jsonl --out DIR (--reward-model DIR | --checker) [--reference DIR] [--config ppo.json] [--rollouts N] [--seed S]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "sft", "prompts", "out", "reward-model", "reference", "config", "rollouts", "seed" };
    public override IReadOnlySet<string> Flags => new HashSet<string> { "checker" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "no positional argument");
        string sftDir = args.Get("sft") ?? throw new UsageException("--sft DIR (a chat checkpoint, e.g. from 'llmlab sft') is required", this);
        string promptsPath = args.Get("prompts") ?? throw new UsageException("--prompts chats.jsonl is required", this);
        string outDir = args.Get("out") ?? throw new UsageException("--out DIR is required", this);
        string? rmDir = args.Get("reward-model");
        bool checker = args.Flag("checker");
        if ((rmDir is null) == !checker) throw new UsageException("give exactly one of --reward-model DIR and --checker", this);
        var o = AlignmentCli.ReadConfig(args.Get("config"), new PpoOptions(),
            "rollouts, rollout_batch, mini_batch, epochs, learning_rate, gamma, lambda, clip_range, clip_range_value, value_coef, kl_coef, kl (k1|k3), " +
            "adaptive_kl, target_kl, temperature, max_new_tokens, whiten_advantages, seed");
        o = o with { Rollouts = args.GetInt("rollouts", o.Rollouts, 1), Seed = args.GetInt("seed", o.Seed) };
        o.Validate();
        AlignmentCli.CheckOut(outDir);
        var chats = ChatJsonl.Read(promptsPath);
        if (checker && chats.FirstOrDefault(x => string.IsNullOrEmpty(x.Family)) is { } none)
            throw new InputException($"{promptsPath}: --checker needs a \"family\" on every line (conversation {chats.ToList().IndexOf(none) + 1} has none)");
        var (policy, tokenizer, info) = ChatCheckpoint.Load(sftDir, "--sft");
        using (policy)
        {
            ScalarHeadModel? rm = null;
            if (rmDir is not null)
            {
                var (m, rmTokenizer, rmInfo) = RewardModelCheckpoint.Load(rmDir);
                rm = m;
                ChatCheckpoint.CheckSameTokenizer(tokenizer, rmTokenizer, "--reward-model", rmInfo.Directory);
            }
            LlmLab.Nn.Gpt.GptModel? reference = null;
            if (args.Get("reference") is { } refDir)
            {
                var (r, refTokenizer, refInfo) = ChatCheckpoint.Load(refDir, "--reference");
                reference = r;
                ChatCheckpoint.CheckSameTokenizer(tokenizer, refTokenizer, "--reference", refInfo.Directory);
            }
            using (rm)
            using (reference)
            {
                double[] Reward(IReadOnlyList<PpoSample> samples) => rm is not null
                    ? RewardModelTrainer.Score(rm, samples.Select(s => (s.Prompt, s.Reply)).ToArray()).Select(v => (double)v).ToArray()
                    : samples.Select(s => TaskFamilies.ByName(chats[s.PromptIndex].Family).Check(chats[s.PromptIndex].ReferenceText, s.Text).Correct ? 1.0 : 0).ToArray();
                var (result, rollouts) = PpoTrainer.Train(policy, tokenizer, chats.Select(x => x.Prompt).ToArray(), Reward, o, reference, log: @out.WriteLine);
                ChatCheckpoint.Write(outDir, result.Steps.Count, policy, tokenizer, "ppo", new JsonObject
                {
                    ["sft"] = Path.GetFullPath(info.Directory), ["prompts"] = Path.GetFullPath(promptsPath), ["chat_template"] = "chat",
                    ["reward"] = rmDir is null ? "checker" : Path.GetFullPath(rmDir), ["rollouts"] = o.Rollouts, ["rollout_batch"] = o.RolloutBatch,
                    ["epochs"] = o.Epochs, ["kl_coef"] = o.KlCoef, ["kl"] = o.Kl.ToString().ToLowerInvariant(), ["seed"] = o.Seed,
                });
                @out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"PPO {rollouts.Count} rollouts, {result.Steps.Count} steps: score {rollouts[0].Score:0.000} → {rollouts[^1].Score:0.000}, " +
                    $"KL {rollouts[^1].Kl:0.000}; checkpoint in {outDir}"));
            }
        }
        return 0;
    }
}
