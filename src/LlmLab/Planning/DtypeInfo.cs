namespace LlmLab.Planning;

/// <summary>Bytes per stored number for each <see cref="Dtype"/>, and parsing of their names. Thread-safe.</summary>
public static class DtypeInfo
{
    /// <summary>Bytes per fp16 scale that each quantisation group carries.</summary>
    const double ScaleBytes = 2;

    /// <summary>
    /// Bytes one parameter takes. Floating-point formats are exact (4 or 2). The integer formats include the
    /// per-group scale: llama.cpp's Q8_0 and Q4_0 blocks (ggml-common.h, <c>block_q8_0</c>/<c>block_q4_0</c>) hold
    /// 32 weights and one fp16 scale, i.e. 34 and 18 bytes per 32 weights = 8.5 and 4.5 bits per weight, which is
    /// what <paramref name="groupSize"/> = 32 gives (1.0625 and 0.5625 bytes).
    /// </summary>
    public static double BytesPerParameter(Dtype d, int groupSize = 32)
    {
        if (groupSize < 1)
            throw new ArgumentOutOfRangeException(nameof(groupSize), $"groupSize must be >= 1 (got {groupSize})");
        return d switch
        {
            Dtype.Fp32 => 4,
            Dtype.Bf16 or Dtype.Fp16 => 2,
            Dtype.Int8 => 1 + ScaleBytes / groupSize,
            Dtype.Int4 => 0.5 + ScaleBytes / groupSize,
            _ => throw new ArgumentOutOfRangeException(nameof(d), d, "unknown dtype"),
        };
    }

    /// <summary>True for the 16- and 32-bit floating-point formats (the ones a model can be trained in).</summary>
    public static bool IsFloat(Dtype d) => d is Dtype.Fp32 or Dtype.Bf16 or Dtype.Fp16;

    /// <summary>The short name used on the command line and in reports: fp32, bf16, fp16, int8, int4.</summary>
    public static string Name(Dtype d) => d.ToString().ToLowerInvariant();

    /// <summary>All valid names, for messages.</summary>
    public static string ValidNames => "fp32 (float32), bf16 (bfloat16), fp16 (float16, half), int8 (q8_0), int4 (q4_0)";

    /// <summary>Parses a dtype name, case-insensitively; throws <see cref="InputException"/> listing the valid names.</summary>
    public static Dtype Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.Trim().ToLowerInvariant() switch
        {
            "fp32" or "float32" or "f32" => Dtype.Fp32,
            "bf16" or "bfloat16" => Dtype.Bf16,
            "fp16" or "float16" or "f16" or "half" => Dtype.Fp16,
            "int8" or "q8_0" or "q8" => Dtype.Int8,
            "int4" or "q4_0" or "q4" => Dtype.Int4,
            _ => throw new InputException($"unknown dtype '{s}': use one of {ValidNames}"),
        };
    }
}
