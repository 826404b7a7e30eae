namespace LlmLab.Alignment.Refusal;

/// <summary>Training settings of <see cref="LogisticRegression"/>. Immutable.</summary>
/// <param name="L2">λ of the penalty λ/2·‖w‖² (bias not penalised). 1e-3 with unit-norm features: strong enough that
/// hashed n-grams seen in one template do not get huge weights, weak enough that the training loss still falls well
/// below ln 2.</param>
/// <param name="Tolerance">Stop when every gradient entry is below this in magnitude.</param>
/// <param name="MaxIterations">Stop after this many gradient steps (the result says whether it converged).</param>
public sealed record LogisticRegressionOptions(double L2 = 1e-3, double Tolerance = 1e-6, int MaxIterations = 20_000)
{
    /// <exception cref="InputException">A setting out of range, named.</exception>
    public void Validate()
    {
        if (!(L2 > 0 && L2 < 1e3)) throw new InputException($"l2 must be in (0, 1000) (got {L2}): a positive penalty makes the optimum " +
            $"unique");
        if (!(Tolerance > 0)) throw new InputException($"tolerance must be > 0 (got {Tolerance})");
        if (MaxIterations < 1) throw new InputException($"max_iterations must be >= 1 (got {MaxIterations})");
    }
}
