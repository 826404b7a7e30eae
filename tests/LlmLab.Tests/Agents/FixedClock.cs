namespace LlmLab.Tests.Agents;

/// <summary>A clock stopped at one instant.</summary>
sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
