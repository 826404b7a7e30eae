using System.Globalization;
using System.Text.Json;
using LlmLab.Alignment;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab sft</c>: supervised fine-tuning of a pretraining checkpoint on chat JSONL (full, or LoRA then
/// merged); writes a checkpoint that <c>generate</c> and <c>serve --checkpoint</c> load, recording its base.</summary>
public sealed class SftCommand : CliCommand
{
    public override string Name => "sft";
    public override string Summary => "fine-tune a checkpoint on chat JSONL (completion-only loss, packing, optional LoRA)";
    public override string Usage => "--base DIR --data train.jsonl --out DIR [--config sft.json] [--lora-rank R] [--steps N] [--lr X] [--batch B] [--seed S]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "base", "data", "out", "config", "lora-rank", "steps", "lr", "batch", "seed" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "no positional argument");
        string baseDir = args.Get("base") ?? throw new UsageException("--base DIR (a pretraining checkpoint or run directory) is required", this);
        string data = args.Get("data") ?? throw new UsageException("--data train.jsonl is required", this);
        string outDir = args.Get("out") ?? throw new UsageException("--out DIR is required", this);
        var o = new SftOptions();
        if (args.Get("config") is { } path)
        {
            if (!File.Exists(path)) throw new InputException($"config file '{path}' does not exist");
            try
            {
                o = JsonSerializer.Deserialize<SftOptions>(File.ReadAllText(path), new JsonSerializerOptions
                {
                    PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
                }) ?? o;
            }
            catch (JsonException e) { throw new InputException($"config file '{path}': {e.Message.Split(". Path")[0]} (keys: steps, batch, learning_rate, pack, assistant_only, lora_rank, lora_alpha, seed)"); }
        }
        o = o with
        {
            Steps = args.GetInt("steps", o.Steps, 1), Batch = args.GetInt("batch", o.Batch, 1), LearningRate = args.GetDouble("lr", o.LearningRate, 0),
            LoraRank = args.Get("lora-rank") is null ? o.LoraRank : args.GetInt("lora-rank", 8, 1), Seed = args.GetInt("seed", o.Seed),
        };
        var result = SftRunner.Run(baseDir, data, outDir, o, @out.WriteLine);
        @out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fine-tuned {result.Steps.Count} steps ({(o.LoraRank is { } r ? $"LoRA r = {r}, merged" : "full")}): loss {result.Steps[0].Loss:0.000} → {result.Steps[^1].Loss:0.000}; checkpoint in {outDir}"));
        return 0;
    }
}
