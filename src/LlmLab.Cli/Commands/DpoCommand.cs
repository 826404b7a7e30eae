using System.Globalization;
using System.Text.Json.Nodes;
using LlmLab.Alignment;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab dpo</c>: Direct Preference Optimization of a chat checkpoint on preference pairs
/// (<c>{"prompt","chosen","rejected"}</c> JSONL), against a frozen reference (by default the starting checkpoint itself);
/// writes a checkpoint that <c>generate</c> and <c>serve --checkpoint</c> load.</summary>
public sealed class DpoCommand : CliCommand
{
    public override string Name => "dpo";
    public override string Summary => "preference-tune a chat checkpoint with DPO (or IPO) on {prompt, chosen, rejected} JSONL";
    public override string Usage => "--sft DIR --pairs pairs.jsonl --out DIR [--reference DIR] [--config dpo.json] [--steps N] [--lr X] [--batch B] [--beta X] [--seed S]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "sft", "pairs", "out", "reference", "config", "steps", "lr", "batch", "beta", "seed" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "no positional argument");
        string sftDir = args.Get("sft") ?? throw new UsageException("--sft DIR (a chat checkpoint, e.g. from 'llmlab sft') is required", this);
        string pairsPath = args.Get("pairs") ?? throw new UsageException("--pairs pairs.jsonl is required", this);
        string outDir = args.Get("out") ?? throw new UsageException("--out DIR is required", this);
        var o = AlignmentCli.ReadConfig(args.Get("config"), new DpoOptions(), "steps, batch, learning_rate, beta, loss (sigmoid|ipo), seed");
        o = o with
        {
            Steps = args.GetInt("steps", o.Steps, 1), Batch = args.GetInt("batch", o.Batch, 1), LearningRate = args.GetDouble("lr", o.LearningRate, 0),
            Beta = args.GetDouble("beta", o.Beta, 0), Seed = args.GetInt("seed", o.Seed),
        };
        o.Validate();
        AlignmentCli.CheckOut(outDir);
        var pairs = PreferenceJsonl.Read(pairsPath);
        var (policy, tokenizer, info) = ChatCheckpoint.Load(sftDir, "--sft");
        using (policy)
        {
            LlmLab.Nn.Gpt.GptModel? reference = null;
            if (args.Get("reference") is { } refDir)
            {
                var (r, refTokenizer, refInfo) = ChatCheckpoint.Load(refDir, "--reference");
                reference = r;
                ChatCheckpoint.CheckSameTokenizer(tokenizer, refTokenizer, "--reference", refInfo.Directory);
            }
            using (reference)
            {
                var result = DpoTrainer.Train(policy, tokenizer, pairs, o, reference, log: @out.WriteLine);
                ChatCheckpoint.Write(outDir, result.Steps.Count, policy, tokenizer, "dpo", new JsonObject
                {
                    ["sft"] = Path.GetFullPath(info.Directory), ["reference"] = args.Get("reference") is { } rd ? Path.GetFullPath(rd) : Path.GetFullPath(info.Directory),
                    ["pairs"] = Path.GetFullPath(pairsPath), ["chat_template"] = "chat", ["steps"] = o.Steps, ["batch"] = o.Batch,
                    ["learning_rate"] = o.LearningRate, ["beta"] = o.Beta, ["loss"] = o.Loss.ToString().ToLowerInvariant(), ["seed"] = o.Seed,
                });
                var last = result.Steps[^1];
                @out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"DPO {result.Steps.Count} steps on {pairs.Count} pairs: loss {result.Steps[0].Loss:0.000} → {last.Loss:0.000}, " +
                    $"pair accuracy {last.Values?["accuracy"]:0.00}; checkpoint in {outDir}"));
            }
        }
        return 0;
    }
}
