namespace LlmLab.Planning;

/// <summary>The number formats a model's weights (or its KV cache) can be stored in, for memory planning.</summary>
public enum Dtype
{
    /// <summary>IEEE 754 single precision: 4 bytes.</summary>
    Fp32,
    /// <summary>bfloat16: 2 bytes (8-bit exponent, 7-bit mantissa).</summary>
    Bf16,
    /// <summary>IEEE 754 half precision: 2 bytes.</summary>
    Fp16,
    /// <summary>8-bit integers in groups that share one fp16 scale (llama.cpp Q8_0 layout).</summary>
    Int8,
    /// <summary>4-bit integers in groups that share one fp16 scale (llama.cpp Q4_0 layout).</summary>
    Int4,
}
