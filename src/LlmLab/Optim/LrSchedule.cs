namespace LlmLab.Optim;

/// <summary>
/// A learning-rate schedule: a pure function from the step index to the learning rate. Step s is 0-based — the
/// rate of the (s + 1)-th update — so a loop sets <c>optimizer.LearningRate = schedule.At(s)</c> before its s-th
/// <c>Step()</c>. Immutable and thread-safe.
/// </summary>
public abstract record LrSchedule
{
    /// <summary>The learning rate for 0-based step <paramref name="step"/> (≥ 0).</summary>
    public abstract double At(long step);

    /// <summary>Throws unless <paramref name="value"/> is finite and ≥ <paramref name="min"/>, naming it.</summary>
    protected static double Check(string name, double value, double min = 0)
    {
        if (!(value >= min && double.IsFinite(value)))
            throw new ArgumentOutOfRangeException(name, $"{name} must be a finite value >= {min} (got {value})");
        return value;
    }

    /// <summary>Throws for a negative step.</summary>
    protected static void CheckStep(long step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), $"step must be >= 0 (got {step})");
    }
}
