using System.Globalization;

namespace LlmLab.Labs.Framework;

/// <summary>Range rules for lab configs, each an <see cref="InputException"/> that names the <c>--set</c> key.</summary>
public static class ConfigRules
{
    /// <summary><paramref name="value"/> ≥ <paramref name="min"/>.</summary>
    public static void AtLeast(string key, double value, double min)
    {
        if (!(value >= min))
            throw new InputException($"--set {key}={Fmt(value)}: {key} must be >= {Fmt(min)}");
    }

    /// <summary>min ≤ value ≤ max.</summary>
    public static void InRange(string key, double value, double min, double max)
    {
        if (!(value >= min && value <= max))
            throw new InputException($"--set {key}={Fmt(value)}: {key} must be between {Fmt(min)} and {Fmt(max)}");
    }

    /// <summary><paramref name="value"/> is a multiple of <paramref name="divisor"/>.</summary>
    public static void DivisibleBy(string key, long value, string divisorKey, long divisor)
    {
        if (divisor <= 0 || value % divisor != 0)
            throw new InputException($"--set {key}={value}: {key} must be a multiple of {divisorKey} ({divisor})");
    }

    /// <summary>A list that must not be empty.</summary>
    public static void NotEmpty<T>(string key, IReadOnlyCollection<T>? values)
    {
        if (values is null || values.Count == 0) throw new InputException($"--set {key}: give at least one value (comma-separated)");
    }

    static string Fmt(double v) => v.ToString("G", CultureInfo.InvariantCulture);
}
