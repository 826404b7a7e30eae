namespace LlmLab.Training;

/// <summary>
/// A power law y = a·x^b fitted by least squares on log y against log x (the straight line of a scaling plot, as in
/// Kaplan et al. 2020, where loss falls as a power of parameters and of compute). Immutable.
/// </summary>
/// <param name="Exponent">b, the slope on log–log axes (negative when y falls as x grows).</param>
/// <param name="Coefficient">a, y at x = 1.</param>
/// <param name="RSquared">R² of the fit in log space (1 = the points lie on the line).</param>
public sealed record PowerLawFit(double Exponent, double Coefficient, double RSquared)
{
    /// <summary>y predicted at <paramref name="x"/>.</summary>
    public double At(double x) => Coefficient * Math.Pow(x, Exponent);

    /// <summary>Fits the points (x, y), all positive, at least two distinct x.</summary>
    /// <exception cref="ArgumentException">Fewer than two points, a non-positive value, or all x equal.</exception>
    public static PowerLawFit Fit(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count || x.Count < 2) throw new ArgumentException($"a power-law fit needs at least two (x, y) pairs (got {x.Count} x and {y.Count} y)");
        if (x.Concat(y).Any(v => !(v > 0) || double.IsInfinity(v))) throw new ArgumentException("a power-law fit needs finite positive values (it works on their logarithms)");
        var lx = x.Select(v => Math.Log(v)).ToArray();
        var ly = y.Select(v => Math.Log(v)).ToArray();
        double mx = lx.Average(), my = ly.Average();
        double sxx = lx.Sum(v => (v - mx) * (v - mx));
        if (sxx == 0) throw new ArgumentException("a power-law fit needs at least two different x");
        double sxy = lx.Zip(ly).Sum(p => (p.First - mx) * (p.Second - my));
        double b = sxy / sxx, a = my - b * mx;
        double ssTot = ly.Sum(v => (v - my) * (v - my));
        double ssRes = lx.Zip(ly).Sum(p => Math.Pow(p.Second - (a + b * p.First), 2));
        return new PowerLawFit(b, Math.Exp(a), ssTot > 0 ? 1 - ssRes / ssTot : 1);
    }
}
