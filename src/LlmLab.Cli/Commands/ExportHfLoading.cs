using LlmLab.Inference;
using LlmLab.Interop;
using LlmLab.Nn.Gpt;
using LlmLab.Tokenization;
using LlmLab.Training;

namespace LlmLab.Cli.Commands;

/// <summary>What <c>generate</c> and <c>serve --checkpoint</c> accept: one of our checkpoints (or run directories), a
/// Hugging Face model folder (config.json + safetensors + tokenizer.json with a byte-level or byte-fallback BPE, see
/// <see cref="HfImport"/>), or a GGUF file of architecture gpt2 or llama (<see cref="GgufImport"/>: its weights dequantized,
/// the function llama.cpp computes from it).</summary>
internal static class HfOrCheckpoint
{
    /// <summary>The model (the caller owns it), its tokenizer and its chat template.</summary>
    public static (GptModel Model, ITokenizer Tokenizer, ChatTemplate Template) Load(string path)
    {
        if (HfImport.IsHfFolder(path))
        {
            Runtime.TorchRuntime.EnsureLoaded();
            return HfImport.Open(path);
        }
        if (File.Exists(path) && path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
        {
            Runtime.TorchRuntime.EnsureLoaded();
            var (gguf, bpe) = GgufImport.Load(path, asLlamaCpp: true);
            var template = ChatTokens.HasAll(bpe) ? ChatTemplate.Chat : ChatTemplate.Transcript;
            return (gguf, bpe, template);
        }
        var (model, tokenizer, checkpoint) = GptPretraining.Load(path);
        return (model, tokenizer, ServeCommand.TemplateOf(checkpoint));
    }
}
