using System.Globalization;

namespace LlmLab.Optim;

/// <summary>
/// The outcome of <see cref="OptimizerParity.Compare"/>: the largest |θ_ours − θ_builtin| over every parameter
/// element and every step, and where it happened. Immutable.
/// </summary>
/// <param name="Steps">Optimizer steps compared.</param>
/// <param name="MaxAbsDiff">max |Δθ| over all steps and elements (0 = bit-identical).</param>
/// <param name="Parameter">Name of the parameter holding the maximum.</param>
/// <param name="Index">Flat index of the element within that parameter.</param>
/// <param name="AtStep">1-based step at which the maximum was seen.</param>
/// <param name="Ours">Our value there.</param>
/// <param name="Reference">The built-in's value there.</param>
public sealed record ParityResult(int Steps, double MaxAbsDiff, string Parameter, long Index, int AtStep, double Ours, double Reference)
{
    public override string ToString()
    {
        static string F(double v) => v.ToString("G9", CultureInfo.InvariantCulture);
        return MaxAbsDiff == 0
            ? $"max |Δθ| = 0 over {Steps} steps (bit-identical)"
            : $"max |Δθ| = {MaxAbsDiff.ToString("G3", CultureInfo.InvariantCulture)} at step {AtStep}, {Parameter}[{Index}]: ours " +
                $"{F(Ours)} vs built-in {F(Reference)} ({Steps} steps)";
    }
}
