namespace LlmLab.Alignment.Refusal;

/// <summary>
/// A feature vector for <see cref="LogisticRegression"/>: dense (<see cref="Indices"/> null, one value per dimension,
/// e.g. a sentence embedding) or sparse (the non-zero entries' indices and values, e.g. hashed n-grams, where a prompt
/// touches a few hundred of 16k buckets). Immutable by convention: the arrays are not copied and must not be changed.
/// </summary>
/// <param name="Indices">Sorted distinct indices of the non-zero entries, or null for a dense vector.</param>
/// <param name="Values">The entries (dense) or the non-zero entries' values (sparse, same length as Indices).</param>
public sealed record FeatureVector(int[]? Indices, float[] Values)
{
    /// <summary>A dense vector over <paramref name="values"/>.</summary>
    public static FeatureVector Dense(float[] values) => new(null, values);

    /// <summary>w · x.</summary>
    public double Dot(double[] w)
    {
        double s = 0;
        if (Indices is null) for (int i = 0; i < Values.Length; i++) s += w[i] * Values[i];
        else for (int k = 0; k < Indices.Length; k++) s += w[Indices[k]] * Values[k];
        return s;
    }

    /// <summary>g += a·x.</summary>
    public void AddTo(double[] g, double a)
    {
        if (Indices is null) for (int i = 0; i < Values.Length; i++) g[i] += a * Values[i];
        else for (int k = 0; k < Indices.Length; k++) g[Indices[k]] += a * Values[k];
    }

    /// <summary>‖x‖².</summary>
    public double SquaredNorm => Values.Sum(v => (double)v * v);

    /// <summary>The largest index this vector touches + 1 (its dimension when dense).</summary>
    public int Extent => Indices is null ? Values.Length : Indices.Length == 0 ? 0 : Indices[^1] + 1;
}
