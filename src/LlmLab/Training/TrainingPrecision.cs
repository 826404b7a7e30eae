namespace LlmLab.Training;

/// <summary>The number format <see cref="Trainer"/> computes in.</summary>
public enum TrainingPrecision
{
    /// <summary>Everything in fp32 (the only bit-exact, resumable-to-the-bit mode on every device).</summary>
    Fp32,

    /// <summary>Mixed precision (Micikevicius et al. 2018, with bf16 as in most LLM pretraining since): the module's weights,
    /// activations and gradients in bf16; an fp32 master copy of every weight, fp32 gradients for clipping, and fp32
    /// optimizer moments. bf16 keeps fp32's exponent range, so no loss scaling is needed (unlike fp16).</summary>
    Bf16,
}
