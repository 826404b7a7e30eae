using System.Numerics.Tensors;

namespace LlmLab.Retrieval;

/// <summary>Vector similarity in one place (SIMD via System.Numerics.Tensors). Pure functions; thread-safe.</summary>
public static class VectorMath
{
    /// <summary>Dot product; equals cosine similarity for L2-normalised vectors.</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => TensorPrimitives.Dot(a, b);

    /// <summary>Cosine similarity (0 when either vector is zero).</summary>
    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float na = TensorPrimitives.Norm(a), nb = TensorPrimitives.Norm(b);
        return na == 0 || nb == 0 ? 0 : TensorPrimitives.Dot(a, b) / (na * nb);
    }

    /// <summary>A unit-length copy of <paramref name="v"/> (a zero vector stays zero).</summary>
    public static float[] Normalized(ReadOnlySpan<float> v)
    {
        var copy = v.ToArray();
        float n = TensorPrimitives.Norm(copy);
        if (n > 0) TensorPrimitives.Divide(copy, n, copy);
        return copy;
    }
}
