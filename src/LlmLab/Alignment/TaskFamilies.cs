namespace LlmLab.Alignment;

/// <summary>The built-in task families of lab 7.1, by name.</summary>
public static class TaskFamilies
{
    /// <summary>Every family, in report order.</summary>
    public static IReadOnlyList<TaskFamily> All { get; } =
        [new ArithmeticFamily(), new UnitConversionFamily(), new DateFamily(), new StringFamily(), new ExtractionFamily(), new ToolCallFamily()];

    /// <summary>Every family a name can select: <see cref="All"/> and those only asked for by name (lab 8.2's
    /// <see cref="AgentToolsFamily"/>, which "all" leaves out so lab 7.1's data and reports keep their six families).</summary>
    public static IReadOnlyList<TaskFamily> Available { get; } = [.. All, new AgentToolsFamily()];

    /// <summary>The family called <paramref name="name"/>.</summary>
    /// <exception cref="InputException">No family has that name (the message lists them).</exception>
    public static TaskFamily ByName(string name) =>
        Available.FirstOrDefault(f => f.Name == name)
        ?? throw new InputException($"unknown task family '{name}': use one of {string.Join(", ", Available.Select(f => f.Name))}");

    /// <summary>The families named in a comma-separated list ("all" or empty: every family).</summary>
    /// <exception cref="InputException">An unknown name.</exception>
    public static IReadOnlyList<TaskFamily> Parse(string? list) =>
        string.IsNullOrWhiteSpace(list) || list.Trim() == "all" ? All
        : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().Select(ByName).ToArray();
}
