using LlmLab.Alignment;
using LlmLab.Interop;
using LlmLab.Runtime;
using LlmLab.Tokenization;
using LlmLab.Training;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab export hf</c>: a checkpoint as a Hugging Face folder that transformers loads (config.json,
/// model.safetensors, tokenizer.json, tokenizer_config.json; see <see cref="HfExport"/>). <c>generate</c> and <c>serve</c>
/// read such a folder back with <c>--checkpoint</c>.</summary>
public sealed class ExportHfCommand : CliCommand
{
    public override string Name => "export hf";
    public override string Summary => "write a checkpoint as a Hugging Face folder (safetensors, config.json, tokenizer.json)";
    public override string Usage => "--checkpoint DIR --out DIR";
    public override IReadOnlySet<string> Options => new HashSet<string> { "checkpoint", "out" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "");
        string checkpoint = args.Get("checkpoint") ?? throw new UsageException("--checkpoint DIR is required", this);
        string outDir = args.Get("out") ?? throw new UsageException("--out DIR is required", this);
        OutputPaths.Directory(outDir, "--out");
        if (OutputPaths.Same(outDir, checkpoint)) throw new InputException($"--out '{outDir}' is the checkpoint itself: give " +
            $"another directory");
        TorchRuntime.EnsureLoaded();
        var (model, tokenizer, info) = GptPretraining.Load(checkpoint);
        using (model)
        {
            if (tokenizer is not BpeTokenizer bpe)
                throw new InputException($"checkpoint '{info.Directory}' has a character tokenizer; tokenizer.json export needs " +
                    $"a byte-level BPE tokenizer");
            HfExport.Write(outDir, model, bpe, ChatCheckpoint.TemplateOf(info));
            @out.WriteLine($"wrote {outDir}: config.json, model.safetensors ({model.ParameterCount / 1e6:F1}M parameters, " +
                $"fp32), tokenizer.json, tokenizer_config.json");
        }
        return 0;
    }
}
