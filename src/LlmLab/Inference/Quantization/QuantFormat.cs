namespace LlmLab.Inference.Quantization;

/// <summary>The weight formats of lab 9.3 (post-training, weight-only, round-to-nearest).</summary>
public enum QuantFormat
{
    /// <summary>No quantization: 32-bit floats (the reference).</summary>
    F32,

    /// <summary>int8, one fp32 scale per output channel (row) = absmax / 127 (LLM.int8's vector-wise baseline,
    /// Dettmers et al. 2022, without its outlier decomposition).</summary>
    Int8PerChannel,

    /// <summary>int4 in groups along the input dimension, symmetric: scale = absmax / 7, values −8…7.</summary>
    Int4Symmetric,

    /// <summary>int4 in groups, asymmetric: scale = (max − min) / 15 and an integer zero point, values 0…15.</summary>
    Int4Asymmetric,

    /// <summary>llama.cpp's Q8_0: blocks of 32 weights, one fp16 scale d = absmax / 127 and 32 int8 (34 bytes, 8.5 bits/weight).</summary>
    Q8_0,

    /// <summary>llama.cpp's Q4_0: blocks of 32 weights, one fp16 scale d = m / −8 where m is the weight of largest
    /// magnitude (sign kept), and 16 bytes of 4-bit values q = x/d + 8 (18 bytes, 4.5 bits/weight).</summary>
    Q4_0,
}
