using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part02;

/// <summary>Settings of lab 2.2 (keys of <c>--set</c> in snake_case). Immutable.</summary>
/// <param name="TrainBytes">Bytes of the corpus's train split to train on (and to draw the landscape's evaluation batch from).</param>
/// <param name="ValBytes">Bytes of the validation split for the validation loss.</param>
/// <param name="Context">Bytes of context the MLP sees.</param>
/// <param name="Embed">Embedding width per context byte.</param>
/// <param name="Hidden">Width of the hidden layers.</param>
/// <param name="Layers">Hidden layers; deep, so that the skip connections matter.</param>
/// <param name="Init">"default" (PyTorch's Linear init) or "xavier_tanh" (Glorot normal, gain 5/3; see TanhInit).</param>
/// <param name="Steps">Adam steps per model.</param>
/// <param name="Batch">Windows per step.</param>
/// <param name="LearningRate">Adam's learning rate.</param>
/// <param name="EvalExamples">Windows of the fixed evaluation batch every landscape point is measured on.</param>
/// <param name="GridPoints">Points per side of the 2-D grid (odd, so that θ* is a grid point).</param>
/// <param name="Radius">The grid spans [−radius, radius]² in filter-normalised units.</param>
/// <param name="InterpPoints">Points of the init → trained interpolation curve.</param>
/// <param name="InterpFrom">First α of the interpolation (α = 0 is the initialisation).</param>
/// <param name="InterpTo">Last α of the interpolation (α = 1 is the trained model).</param>
/// <param name="Directions">Random directions for the 1-D slices and the sharpness figure.</param>
/// <param name="SlicePoints">Points of each 1-D slice over [−radius, radius] (odd).</param>
/// <param name="Rho">Radius of the sharpness figure, in filter-normalised units.</param>
/// <param name="LossCap">Losses above this are clipped for the shared colour scale of the heat maps and contours.</param>
public sealed record LossLandscapeConfig(
    long TrainBytes,
    long ValBytes,
    int Context,
    int Embed,
    int Hidden,
    int Layers,
    string Init,
    int Steps,
    int Batch,
    double LearningRate,
    int EvalExamples,
    int GridPoints,
    double Radius,
    int InterpPoints,
    double InterpFrom,
    double InterpTo,
    int Directions,
    int SlicePoints,
    double Rho,
    double LossCap)
{
    /// <summary>The defaults of a profile.</summary>
    public static LossLandscapeConfig For(Profile profile) => profile switch
    {
        // Smoke: seconds. A 5×5 grid on a small batch; enough steps that training visibly happened.
        Profile.Smoke => Base with { TrainBytes = 100_000, ValBytes = 20_000, Hidden = 32, Layers = 6, Steps = 60, Batch = 64,
                                     EvalExamples = 256, GridPoints = 5, InterpPoints = 9, Directions = 2, SlicePoints = 5 },
        // Quick: about a minute on 2 cores: ~550 landscape points per model at ~40 ms each.
        Profile.Quick => Base,
        // Full: the paper's resolution (51×51 grids, Li et al. 2018 §5), wider layers, longer training, 8k evaluation windows;
        // 15 MB and 800 kB: nearly all of the default corpus's train and validation splits (16.5 MB and 871 kB on SDK 10).
        _ => Base with { TrainBytes = 15_000_000, ValBytes = 800_000, Hidden = 256, Steps = 5000, EvalExamples = 8192, GridPoints = 51,
                         InterpPoints = 81, Directions = 10, SlicePoints = 51 },
    };

    static readonly LossLandscapeConfig Base = new(
        // 2 MB of the SDK docs: far more windows than 400 steps of 128 can see twice.
        TrainBytes: 2_000_000,
        // 200 kB of held-out documents for the validation loss.
        ValBytes: 200_000,
        // 8 bytes of context: the MlpLanguageModel's default.
        Context: 8,
        // 16-wide byte embeddings: the MlpLanguageModel's default.
        Embed: 16,
        // 64 wide: a grid point on 2,048 windows costs ~40 ms on one core, so a 21×21 grid fits the quick budget.
        Hidden: 64,
        // 10 hidden layers: deep enough that the no-skip net trains visibly worse (Li et al. Fig. 5 use 20–110 layers of a CNN).
        Layers: 10,
        // PyTorch's default init: the MlpLanguageModel as it is (xavier_tanh lets the no-skip net train; see docs/part-02.md).
        Init: "default",
        // 400 steps: both losses are well below ln 256 and the run stays within the quick budget.
        Steps: 400,
        // 128 windows per step: the batch size of the paper's CIFAR-10 runs.
        Batch: 128,
        // 3e-3: a common Adam rate for small MLPs; both variants train with it.
        LearningRate: 3e-3,
        // 2,048 windows spread evenly over the train split: the same batch for every point of every scan of both models.
        EvalExamples: 2048,
        // 21×21: coarse but shows the basin; the paper's plots use 51×51.
        GridPoints: 21,
        // [−1, 1]²: the paper's range; at ±1 every filter moves by its own norm.
        Radius: 1.0,
        // 41 points over [−0.5, 1.5]: the interpolation range of Goodfellow et al. 2015 and Li et al. Fig. 2.
        InterpPoints: 41,
        InterpFrom: -0.5,
        InterpTo: 1.5,
        // 4 directions: enough to average the sharpness figure without dominating the run time.
        Directions: 4,
        // 11 points per slice over [−1, 1]: the slices are for the eye; the sharpness is measured at ±ρ exactly.
        SlicePoints: 11,
        // ρ = 0.25: a quarter of each filter's norm, well inside the grid, where both basins are still meaningful.
        Rho: 0.25,
        // Clip at 8 nats (≈ 1.4·ln 256) for the colour scale: above that a point is simply "worse than guessing".
        LossCap: 8.0);
}
