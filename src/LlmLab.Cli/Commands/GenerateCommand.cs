using LlmLab.Inference;
using LlmLab.Runtime;
using LlmLab.Training;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab generate</c>: text from a checkpoint of <c>llmlab train</c> (its model and its tokenizer), decoded by the
/// same <see cref="GenerationEngine"/> that <c>llmlab serve</c> runs. A prompt longer than the context keeps its last tokens;
/// the generation ends at <c>--max-tokens</c> or when the context is full.</summary>
public sealed class GenerateCommand : CliCommand
{
    public override string Name => "generate";
    public override string Summary => "generate text from a training checkpoint (seeded: the same seed gives the same text)";
    public override string Usage => "--checkpoint DIR --prompt TEXT [--max-tokens N] [--temperature T] [--top-k K] [--seed S]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "checkpoint", "prompt", "max-tokens", "temperature", "top-k", "seed" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "");
        string path = args.Get("checkpoint") ?? throw new UsageException("--checkpoint DIR is required", this);
        string prompt = args.Get("prompt") ?? throw new UsageException("--prompt TEXT is required", this);
        int count = args.GetInt("max-tokens", 100, 0, 1_000_000);
        double temperature = args.GetDouble("temperature", 0.8, 0);
        int? topK = args.Get("top-k") is null ? null : args.GetInt("top-k", 0, 1);
        int seed = args.GetInt("seed", 0);
        var sampling = new SamplingParams(Temperature: temperature, TopK: topK, MaxTokens: count, Seed: seed);
        sampling.Validate();
        TorchRuntime.EnsureLoaded();
        var (model, tokenizer, _) = GptPretraining.Load(path);
        using (model)
        {
            int[] ids = tokenizer.Encode(prompt);
            if (ids.Length == 0) throw new InputException("--prompt encodes to no tokens: give some text");
            var engine = new GenerationEngine(model, tokenizer, PromptOverflow.TruncateLeft);
            var fitted = engine.FitPrompt(ids, sampling);
            var result = engine.Generate(fitted, sampling);
            @out.WriteLine(tokenizer.Decode([.. fitted, .. result.Tokens]));
        }
        return 0;
    }
}
