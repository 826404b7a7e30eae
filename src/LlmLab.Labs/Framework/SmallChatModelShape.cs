namespace LlmLab.Labs.Framework;

/// <summary>The size of a small chat model a lab trains when no earlier run left one (<see cref="SmallChatModel"/>):
/// its BPE and base pretraining on the run's corpus, then lab 7.1's fine-tuning. Immutable.</summary>
/// <param name="CorpusBytes">Pretraining text.</param>
/// <param name="ValidationBytes">Held-out text.</param>
/// <param name="BpeVocab">BPE vocabulary (before the chat tokens).</param>
/// <param name="Context">Positions; longer conversations are dropped from the fine-tuning data, as lab 7.1 does.</param>
/// <param name="Layers">Transformer blocks.</param>
/// <param name="Width">Model width.</param>
/// <param name="Heads">Attention heads.</param>
/// <param name="BaseSteps">Pretraining steps.</param>
/// <param name="SftSteps">Fine-tuning steps (lab 7.1's SftRunner).</param>
/// <param name="Batch">Sequences per step.</param>
public sealed record SmallChatModelShape(long CorpusBytes, long ValidationBytes, int BpeVocab, int Context, int Layers, int Width, int Heads,
    int BaseSteps, int SftSteps, int Batch);
