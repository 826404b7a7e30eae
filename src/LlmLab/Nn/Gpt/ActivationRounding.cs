namespace LlmLab.Nn.Gpt;

/// <summary>
/// What a <see cref="GptModel"/> does to the input of each weight matrix product (<see cref="GptModel.ActivationRounding"/>):
/// nothing (fp32, the default), or what llama.cpp's CPU path does before its integer dot product with Q8_0/Q4_0 weights
/// (<see cref="Q8_0Activations"/>). An inference-time switch, never saved with a model.
/// </summary>
public enum ActivationRounding
{
    /// <summary>fp32 activations (our engine's own arithmetic).</summary>
    None,

    /// <summary>Activations rounded to Q8_0 blocks of 32 along the input dimension, as llama.cpp does for quantized
    /// weights, so that our engine reproduces its arithmetic.</summary>
    Q8_0,
}
