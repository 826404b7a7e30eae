namespace LlmLab.Nn.Landscape;

/// <summary>
/// How closely a direction is filter-normalised (see <see cref="FilterNormalization.Verify"/>).
/// </summary>
/// <param name="MaxRelativeNormError">max over filters i of |‖d_i‖ − ‖θ_i‖| / ‖θ_i‖; float32 rounding gives ~1e-7.</param>
/// <param name="MaxIgnoredAbs">max |d| over the rank ≤ 1 tensors (biases, norms), which must be exactly 0.</param>
/// <param name="Filters">Filters compared.</param>
/// <param name="IgnoredTensors">Rank ≤ 1 tensors seen.</param>
public sealed record FilterNormalizationCheck(double MaxRelativeNormError, double MaxIgnoredAbs, int Filters, int IgnoredTensors);
