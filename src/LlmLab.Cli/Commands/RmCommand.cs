using System.Globalization;
using System.Text.Json.Nodes;
using LlmLab.Alignment;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab rm</c>: trains a reward model (the chat checkpoint with a scalar head, Bradley–Terry loss) on
/// preference pairs; reports its pairwise accuracy on held-out pairs when given; writes a checkpoint that
/// <c>llmlab ppo --reward-model</c> reads.</summary>
public sealed class RmCommand : CliCommand
{
    public override string Name => "rm";
    public override string Summary => "train a reward model (chat checkpoint + scalar head, Bradley–Terry) on {prompt, chosen, rejected} JSONL";
    public override string Usage => "--sft DIR --pairs pairs.jsonl --out DIR [--eval held-out.jsonl] [--config rm.json] [--steps N] [--lr X] [--batch B] [--seed S]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "sft", "pairs", "out", "eval", "config", "steps", "lr", "batch", "seed" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "no positional argument");
        string sftDir = args.Get("sft") ?? throw new UsageException("--sft DIR (a chat checkpoint, e.g. from 'llmlab sft') is required", this);
        string pairsPath = args.Get("pairs") ?? throw new UsageException("--pairs pairs.jsonl is required", this);
        string outDir = args.Get("out") ?? throw new UsageException("--out DIR is required", this);
        var o = AlignmentCli.ReadConfig(args.Get("config"), new RewardModelOptions(), "steps, batch, learning_rate, seed");
        o = o with
        {
            Steps = args.GetInt("steps", o.Steps, 1), Batch = args.GetInt("batch", o.Batch, 1), LearningRate = args.GetDouble("lr", o.LearningRate, 0),
            Seed = args.GetInt("seed", o.Seed),
        };
        o.Validate();
        AlignmentCli.CheckOut(outDir);
        var pairs = PreferenceJsonl.Read(pairsPath);
        var held = args.Get("eval") is { } evalPath ? PreferenceJsonl.Read(evalPath) : null;
        var (body, tokenizer, info) = ChatCheckpoint.Load(sftDir, "--sft");
        using var rm = new ScalarHeadModel(body, o.Seed);
        var result = RewardModelTrainer.Train(rm, tokenizer, pairs, o, log: @out.WriteLine);
        double? accuracy = held is null ? null : RewardModelTrainer.PairwiseAccuracy(rm, tokenizer, held);
        RewardModelCheckpoint.Write(outDir, result.Steps.Count, rm, tokenizer, new JsonObject
        {
            ["sft"] = Path.GetFullPath(info.Directory), ["pairs"] = Path.GetFullPath(pairsPath), ["steps"] = o.Steps, ["batch"] = o.Batch,
            ["learning_rate"] = o.LearningRate, ["seed"] = o.Seed, ["held_out_accuracy"] = accuracy,
        });
        string heldText = accuracy is { } a ? string.Create(CultureInfo.InvariantCulture, $", held-out pairwise accuracy {a:0.000} ({held!.Count} pairs)") : "";
        @out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"reward model {result.Steps.Count} steps on {pairs.Count} pairs: loss {result.Steps[0].Loss:0.000} → {result.Steps[^1].Loss:0.000}") +
            heldText + $"; checkpoint in {outDir}");
        return 0;
    }
}
