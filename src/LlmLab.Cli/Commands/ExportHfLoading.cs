using LlmLab.Inference;
using LlmLab.Interop;
using LlmLab.Nn.Gpt;
using LlmLab.Tokenization;
using LlmLab.Training;

namespace LlmLab.Cli.Commands;

/// <summary>What <c>generate</c> and <c>serve --checkpoint</c> accept: one of our checkpoints (or run directories), or a
/// Hugging Face model folder (config.json + safetensors + tokenizer.json, see <see cref="HfImport"/>).</summary>
internal static class HfOrCheckpoint
{
    /// <summary>The model (the caller owns it), its tokenizer and its chat template.</summary>
    public static (GptModel Model, ITokenizer Tokenizer, ChatTemplate Template) Load(string path)
    {
        if (HfImport.IsHfFolder(path))
        {
            Runtime.TorchRuntime.EnsureLoaded();
            var (hf, bpe, hfTemplate) = HfImport.Load(path);
            return (hf, bpe, hfTemplate);
        }
        var (model, tokenizer, checkpoint) = GptPretraining.Load(path);
        return (model, tokenizer, ServeCommand.TemplateOf(checkpoint));
    }
}
