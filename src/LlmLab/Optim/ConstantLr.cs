namespace LlmLab.Optim;

/// <summary>η(s) = η₀ at every step.</summary>
public sealed record ConstantLr : LrSchedule
{
    /// <param name="lr">η₀, ≥ 0.</param>
    public ConstantLr(double lr) => Lr = Check(nameof(lr), lr);

    public double Lr { get; }

    public override double At(long step)
    {
        CheckStep(step);
        return Lr;
    }
}
