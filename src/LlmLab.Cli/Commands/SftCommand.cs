using System.Globalization;
using System.Text.Json;
using LlmLab.Alignment;
using LlmLab.Labs.Part07;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab sft</c>: supervised fine-tuning of a base model — one of our checkpoints, a Hugging Face folder or a
/// GGUF file (<see cref="SftBaseLoader"/>) — on chat JSONL (full, or LoRA then merged); writes a checkpoint that
/// <c>generate</c> and <c>serve --checkpoint</c> load, recording its base.</summary>
public sealed class SftCommand : CliCommand
{
    public override string Name => "sft";
    public override string Summary =>
        "fine-tune a base model (checkpoint, HF folder, .gguf) on chat JSONL (completion-only loss, packing, optional LoRA)";
    public override string Usage => "--base PATH --data train.jsonl --out DIR [--config sft.json] [--lora-rank R] [--steps N] [--lr X] [--batch B] [--seed S]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "base", "data", "out", "config", "lora-rank", "steps", "lr",
        "batch", "seed" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "no positional argument");
        string baseDir = args.Get("base")
            ?? throw new UsageException("--base PATH (a checkpoint or run directory, a Hugging Face folder or a .gguf file) is required", this);
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
                    PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
                        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
                }) ?? o;
            }
            catch (JsonException e) { throw new InputException($"config file '{path}': {e.Message.Split(". Path")[0]} (keys: steps, batch, learning_rate, pack, assistant_only, lora_rank, lora_alpha, seed)"); }
        }
        o = o with
        {
            Steps = args.GetInt("steps", o.Steps, 1), Batch = args.GetInt("batch", o.Batch, 1), LearningRate = args.GetDouble("lr",
                o.LearningRate, 0),
            LoraRank = args.Get("lora-rank") is null ? o.LoraRank : args.GetInt("lora-rank", 8, 1), Seed = args.GetInt("seed", o.Seed),
        };
        if (!File.Exists(data))
            throw new InputException($"--data '{data}' does not exist: give a chat JSONL file (llmlab data synth writes one)");
        using var baseModel = SftBaseLoader.Open(baseDir, "--base");
        @out.WriteLine($"base: {baseModel}");
        var result = SftRunner.Run(baseModel, data, outDir, o, @out.WriteLine);
        @out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fine-tuned {result.Steps.Count} steps ({(o.LoraRank is { } r ? $"LoRA r = {r}, merged" : "full")}): loss {result.Steps[0].Loss:0.000} → {result.Steps[^1].Loss:0.000}; checkpoint in {outDir}"));
        return 0;
    }
}
