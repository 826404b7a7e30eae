using System.Globalization;

namespace LlmLab.Training;

/// <summary>
/// The loss or the gradient norm became NaN or infinite: training stopped at <see cref="Step"/> rather than carry on
/// with weights that are already ruined. The message names the step, the value and what to try.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    public TrainingDivergedException(int step, string quantity, double value, double learningRate)
        : base(string.Create(CultureInfo.InvariantCulture, $"training diverged at step {step}: the {quantity} is {value} (learning rate {learningRate:0.0e+00}); ") +
               "lower the learning rate, set a gradient clip, or check the data for out-of-range token ids")
    {
        Step = step;
        Quantity = quantity;
        Value = value;
    }

    /// <summary>The 1-based step whose loss or gradient was not finite.</summary>
    public int Step { get; }

    /// <summary>"loss" or "gradient norm".</summary>
    public string Quantity { get; }

    /// <summary>The non-finite value.</summary>
    public double Value { get; }
}
