using LlmLab.Alignment.Refusal;
using LlmLab.Retrieval.Embeddings;

namespace LlmLab.Cli.Commands;

/// <summary>Loads a gate file for <c>serve --refusal-gate</c>, wiring MiniLM (LlmLab.Retrieval) when the gate was
/// trained on its embeddings: the core library cannot reference that assembly, so the CLI injects it.</summary>
internal static class RefusalGateLoader
{
    /// <summary>The gate and the encoder it uses (dispose after the server), or (null, null) without a path.</summary>
    /// <exception cref="InputException">A missing or malformed gate file, or one that needs an embedding model we do not have.</exception>
    public static (RefusalGate? Gate, IDisposable? Encoder) Load(string? path)
    {
        if (path is null) return (null, null);
        string? model = RefusalGateFile.EmbeddingModel(path);
        if (model is null) return (RefusalGateFile.Load(path), null);
        var encoder = OnnxSentenceEncoder.CreateMiniLm();
        if (encoder.ModelId != model)
        {
            encoder.Dispose();
            throw new InputException($"{path}: the gate needs embeddings from '{model}'; llmlab ships '{encoder.ModelId}': retrain with " +
                $"--features minilm");
        }
        try { return (RefusalGateFile.Load(path, encoder), encoder); }
        catch { encoder.Dispose(); throw; }
    }
}
