using LlmLab.Nn.Landscape;

namespace LlmLab.Labs.Part02;

/// <summary>What lab 2.2 measured on one model variant: its training, its landscape scans, and the figures its
/// checks need. Immutable.</summary>
/// <param name="Name">"residual" or "no skip".</param>
/// <param name="Parameters">Scalars in the model.</param>
/// <param name="StepLosses">Training loss per step.</param>
/// <param name="Init">Loss at initialisation on the evaluation batch.</param>
/// <param name="Train">Loss of the trained model on the evaluation batch (drawn from the train split).</param>
/// <param name="Val">Loss of the trained model on the validation batch.</param>
/// <param name="Interpolation">Init → trained, L((1−α)θ0 + αθ*).</param>
/// <param name="Grid">The 2-D grid around θ*.</param>
/// <param name="Slices">1-D slices along the random directions.</param>
/// <param name="Sharpness">Mean loss increase at radius ρ.</param>
/// <param name="Filters">The worse of the two grid directions' filter-normalisation checks.</param>
/// <param name="DirectionCosine">cos(δ, η): random directions in high dimension are nearly orthogonal.</param>
/// <param name="Restored">Whether the model held θ* bit for bit after every scan.</param>
internal sealed record LossLandscapeRun(
    string Name,
    long Parameters,
    double[] StepLosses,
    LandscapePoint Init,
    LandscapePoint Train,
    LandscapePoint Val,
    LossCurve Interpolation,
    LossGrid Grid,
    IReadOnlyList<LossCurve> Slices,
    SharpnessEstimate Sharpness,
    FilterNormalizationCheck Filters,
    double DirectionCosine,
    bool Restored);
