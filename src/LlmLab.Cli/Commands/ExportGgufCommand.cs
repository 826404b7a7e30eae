using LlmLab.Alignment;
using LlmLab.Interop;
using LlmLab.Runtime;
using LlmLab.Tokenization;
using LlmLab.Training;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab export gguf</c>: a checkpoint (of <c>train</c>, <c>sft</c>, <c>dpo</c>, …) as one GGUF v3 file that
/// llama.cpp, Ollama or LM Studio run: the model (architecture gpt2 or llama), its byte-level BPE tokenizer and chat
/// template, matrices in f32, f16, q8_0 or q4_0 (see <see cref="GgufExport"/>).</summary>
public sealed class ExportGgufCommand : CliCommand
{
    public override string Name => "export gguf";
    public override string Summary => "write a checkpoint as a GGUF file for llama.cpp (f32, f16, q8_0 or q4_0)";
    public override string Usage => "--checkpoint DIR --out FILE.gguf [--type f32|f16|q8_0|q4_0]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "checkpoint", "out", "type" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "");
        string checkpoint = args.Get("checkpoint") ?? throw new UsageException("--checkpoint DIR is required", this);
        string outPath = args.Get("out") ?? throw new UsageException("--out FILE is required", this);
        var type = GgmlTypes.Parse(args.Get("type") ?? "f32", "--type");
        OutputPaths.File(outPath, "--out", checkpoint);
        TorchRuntime.EnsureLoaded();
        var (model, tokenizer, info) = GptPretraining.Load(checkpoint);
        using (model)
        {
            if (tokenizer is not BpeTokenizer bpe)
                throw new InputException($"checkpoint '{info.Directory}' has a character tokenizer; GGUF holds byte-level BPE " +
                    $"tokenizers only (train with a BPE tokenizer)");
            string name = Path.GetFileName(info.Directory.TrimEnd('/'));
            var summary = GgufExport.Write(outPath, model, bpe, type, ChatCheckpoint.TemplateOf(info), name);
            @out.WriteLine($"wrote {outPath}: {summary.Architecture}, {summary.Tensors} tensors ({summary.TensorsInType} in " +
                $"{GgmlTypes.Name(type)}), " +
                $"{summary.FileBytes / 1e6:F1} MB");
            if (summary.Note is { } note) @out.WriteLine($"note: {note}");
        }
        return 0;
    }
}
