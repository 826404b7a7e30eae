namespace LlmLab.Nn.Landscape;

/// <summary>
/// A 1-D slice of the loss landscape: <see cref="Points"/>[i] is the loss and accuracy at coordinate
/// <see cref="Alphas"/>[i] along the slice (an interpolation weight, or a step along a direction). Immutable.
/// </summary>
public sealed record LossCurve(IReadOnlyList<double> Alphas, IReadOnlyList<LandscapePoint> Points)
{
    /// <summary>The losses, in the order of <see cref="Alphas"/>.</summary>
    public double[] Losses => Points.Select(p => p.Loss).ToArray();

    /// <summary>The point at exactly <paramref name="alpha"/>; throws when the curve has no such coordinate.</summary>
    public LandscapePoint At(double alpha)
    {
        for (int i = 0; i < Alphas.Count; i++)
            if (Alphas[i] == alpha) return Points[i];
        throw new ArgumentException($"the curve has no point at alpha = {alpha}", nameof(alpha));
    }

    /// <summary><paramref name="points"/> evenly spaced coordinates from <paramref name="from"/> to <paramref name="to"/>,
    /// plus each of <paramref name="include"/> (e.g. α = 0 and 1 of an interpolation) that lies in the range and is not
    /// already there, in ascending order. The included values are exact, not rounded neighbours.</summary>
    public static double[] Axis(double from, double to, int points, params double[] include)
    {
        if (points < 2) throw new ArgumentOutOfRangeException(nameof(points), $"a curve needs at least 2 points (got {points})");
        if (!(to > from)) throw new ArgumentException($"the range must be increasing (got {from} .. {to})");
        var values = Enumerable.Range(0, points).Select(i => from + (to - from) * i / (points - 1)).ToList();
        values[^1] = to;
        foreach (double v in include)
            if (v >= from && v <= to && !values.Contains(v)) values.Add(v);
        values.Sort();
        return values.ToArray();
    }

    /// <summary>The barrier on the way from α = <paramref name="from"/> to α = <paramref name="to"/>: the highest loss
    /// strictly between them minus the higher of the two end losses (≤ 0 when the path never climbs above its ends;
    /// Goodfellow et al. 2015 found no barrier between initialisation and solution).</summary>
    public double Barrier(double from, double to)
    {
        double ends = Math.Max(At(from).Loss, At(to).Loss);
        double inside = double.NegativeInfinity;
        for (int i = 0; i < Alphas.Count; i++)
            if (Alphas[i] > from && Alphas[i] < to) inside = Math.Max(inside, Points[i].Loss);
        return double.IsNegativeInfinity(inside) ? 0 : inside - ends;
    }
}
