namespace LlmLab.Retrieval.Vectors;

/// <summary>Seeded synthetic unit vectors for benchmarks and tests of vector indexes. Thread-safe (stateless).</summary>
public static class SyntheticVectors
{
    /// <summary>
    /// <paramref name="n"/> unit vectors drawn around <paramref name="clusters"/> Gaussian centres (the centres depend on
    /// <paramref name="centreSeed"/> only, so data and queries drawn with different <paramref name="seed"/>s share them):
    /// centre + <paramref name="spread"/>·N(0, I), normalised. Clustered data is harder for graph search than uniform.
    /// </summary>
    public static float[][] Clustered(int n, int dimensions, int clusters, int seed, float spread = 0.5f, int centreSeed = 7)
    {
        var crng = new Random(centreSeed);
        var centres = Enumerable.Range(0, clusters)
            .Select(_ => Enumerable.Range(0, dimensions).Select(_ => Gaussian(crng)).ToArray()).ToArray();
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ =>
        {
            var c = centres[rng.Next(clusters)];
            return VectorMath.Normalized(c.Select(x => x + spread * Gaussian(rng)).ToArray());
        }).ToArray();
    }

    static float Gaussian(Random rng) => (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
}
