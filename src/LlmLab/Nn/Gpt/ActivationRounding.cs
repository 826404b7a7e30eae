namespace LlmLab.Nn.Gpt;

/// <summary>
/// Where a <see cref="GptModel"/> rounds activations as llama.cpp's CPU backend does (<see cref="GptModel.ActivationRounding"/>),
/// so that our engine can reproduce its arithmetic: nothing (fp32, the default), the input of each weight product rounded to
/// Q8_0 blocks as before ggml's integer dot product with Q8_0/Q4_0 weights (<see cref="Q8_0Activations"/>), and/or the GELU
/// read from ggml's fp16 table (<see cref="Fp16GeluTable"/>). Flags: both may be on. An inference-time switch, never saved.
/// </summary>
[Flags]
public enum ActivationRounding
{
    /// <summary>fp32 activations (our engine's own arithmetic).</summary>
    None = 0,

    /// <summary>The input of every weight product rounded to Q8_0 blocks of 32 along the input dimension.</summary>
    Q8_0 = 1,

    /// <summary>The GELU MLP's activation as ggml's fp16 table of the tanh form (whatever the config's activation_function).</summary>
    GeluFp16 = 2,
}
