using LlmLab.Inference;
using LlmLab.Runtime;
using LlmLab.Training;
using Microsoft.Extensions.AI;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab generate</c>: text from a checkpoint of <c>llmlab train</c> or <c>llmlab sft</c> (its model and its tokenizer),
/// decoded by the same <see cref="GenerationEngine"/> that <c>llmlab serve</c> runs. <c>--prompt</c> continues raw text (a prompt
/// longer than the context keeps its last tokens); <c>--chat</c> sends one user message through the checkpoint's chat template
/// (the special-token format of an sft checkpoint, the transcript otherwise) and prints the assistant's reply. The generation
/// ends at <c>--max-tokens</c>, at the end of the assistant's turn (chat), or when the context is full. <c>--checkpoint</c> may
/// also be a Hugging Face folder or a GGUF file; <c>--activations q8_0</c> rounds the inputs of every weight product to Q8_0
/// blocks, as llama.cpp's CPU path does with Q8_0/Q4_0 weights (<see cref="Nn.Gpt.GptModel.ActivationRounding"/>).</summary>
public sealed class GenerateCommand : CliCommand
{
    public override string Name => "generate";
    public override string Summary => "generate text or a chat reply from a checkpoint (seeded: the same seed gives the same text)";
    public override string Usage => "--checkpoint DIR|HF_DIR|FILE.gguf (--prompt TEXT | --chat MESSAGE) [--max-tokens N] " +
        "[--temperature T] [--top-k K] [--seed S] [--activations none|q8_0]";
    public override IReadOnlySet<string> Options =>
        new HashSet<string> { "checkpoint", "prompt", "chat", "max-tokens", "temperature", "top-k", "seed", "activations" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "");
        string path = args.Get("checkpoint") ?? throw new UsageException("--checkpoint DIR is required", this);
        string? prompt = args.Get("prompt"), chat = args.Get("chat");
        if ((prompt is null) == (chat is null)) throw new UsageException("give exactly one of --prompt TEXT and --chat MESSAGE", this);
        if (chat is not null && string.IsNullOrWhiteSpace(chat)) throw new InputException("--chat MESSAGE is empty: give the user's message");
        int count = args.GetInt("max-tokens", 100, 0, 1_000_000);
        double temperature = args.GetDouble("temperature", 0.8, 0);
        int? topK = args.Get("top-k") is null ? null : args.GetInt("top-k", 0, 1);
        int seed = args.GetInt("seed", 0);
        var sampling = new SamplingParams(Temperature: temperature, TopK: topK, MaxTokens: count, Seed: seed);
        sampling.Validate();
        var rounding = args.Get("activations") switch
        {
            null or "none" => Nn.Gpt.ActivationRounding.None,
            "q8_0" => Nn.Gpt.ActivationRounding.Q8_0,
            var other => throw new UsageException($"--activations must be none or q8_0 (got '{other}')", this),
        };
        TorchRuntime.EnsureLoaded();
        var (model, tokenizer, template) = HfOrCheckpoint.Load(path); // a checkpoint, a Hugging Face folder or a GGUF file
        using (model)
        {
            model.ActivationRounding = rounding;
            if (chat is not null)
            {
                // The template the checkpoint was fine-tuned with, as `serve` uses it: stop at the end of the assistant's turn.
                var engine = new GenerationEngine(model, tokenizer, PromptOverflow.Error);
                var ids = template.Encode([new ChatMessage(ChatRole.User, chat)], tokenizer, addGenerationPrompt: true).Ids;
                var result = engine.Generate(ids, sampling with { Stop = template.Stops, StopTokens = template.StopTokenIds(tokenizer) });
                @out.WriteLine(result.Text.Trim());
                return 0;
            }
            int[] promptIds = tokenizer.Encode(prompt!);
            if (promptIds.Length == 0) throw new InputException("--prompt encodes to no tokens: give some text");
            var textEngine = new GenerationEngine(model, tokenizer, PromptOverflow.TruncateLeft);
            var fitted = textEngine.FitPrompt(promptIds, sampling);
            var generated = textEngine.Generate(fitted, sampling);
            @out.WriteLine(tokenizer.Decode([.. fitted, .. generated.Tokens]));
        }
        return 0;
    }
}
