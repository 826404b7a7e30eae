using Json.Schema;
using LlmLab.Alignment;

namespace LlmLab.Agents.Prompts;

/// <summary>
/// One assertion about a reply. Which fields are set depends on <see cref="Kind"/>: a value (equals, contains, regex, and
/// the reference of task), a schema (json-schema), a family (task), a time bound (latency), token and dollar bounds and
/// prices (cost). The reader (<see cref="PromptSuiteReader"/>) guarantees the fields a kind needs. Immutable.
/// </summary>
/// <param name="Kind">What is asserted.</param>
/// <param name="Value">The expected text, pattern or reference answer (may use the test's variables).</param>
/// <param name="IgnoreCase">equals, contains and regex: compare ignoring case.</param>
/// <param name="Schema">json-schema: the schema, built once when the file is read.</param>
/// <param name="Family">task: the lab 7.1 family whose checker grades the answer.</param>
/// <param name="MaxMs">latency: the bound, milliseconds.</param>
/// <param name="MaxTokens">cost: the bound on input + output tokens (null: none).</param>
/// <param name="MaxUsd">cost: the bound on the call's price in US dollars (null: none).</param>
/// <param name="InputUsdPerMillion">cost: the price of a million input tokens.</param>
/// <param name="OutputUsdPerMillion">cost: the price of a million output tokens.</param>
/// <param name="Location">Where it was written ("prompts.yaml:34 tests[0].assert[1]").</param>
public sealed record PromptAssertion(AssertionKind Kind, PromptText? Value, bool IgnoreCase, JsonSchema? Schema, TaskFamily? Family,
    double? MaxMs, long? MaxTokens, double? MaxUsd, double InputUsdPerMillion, double OutputUsdPerMillion, string Location)
{
    /// <summary>The kinds by their names in a prompt file.</summary>
    public static IReadOnlyDictionary<string, AssertionKind> Names { get; } = new Dictionary<string, AssertionKind>
    {
        ["equals"] = AssertionKind.Equal, ["contains"] = AssertionKind.Contains, ["regex"] = AssertionKind.Regex,
        ["json-schema"] = AssertionKind.JsonSchema, ["task"] = AssertionKind.Task, ["latency"] = AssertionKind.Latency,
        ["cost"] = AssertionKind.Cost,
    };

    /// <summary>The kind's name in a prompt file ("json-schema").</summary>
    public string YamlName => Names.First(p => p.Value == Kind).Key;

    /// <summary>A short description for reports ("contains '42'", "latency ≤ 2000 ms").</summary>
    public string Describe() => Kind switch
    {
        AssertionKind.JsonSchema => "json-schema",
        AssertionKind.Task => $"task {Family!.Name} = '{Value}'",
        AssertionKind.Latency => $"latency ≤ {MaxMs} ms",
        AssertionKind.Cost => "cost" + (MaxTokens is { } t ? $" ≤ {t} tokens" : "") + (MaxUsd is { } u ? $" ≤ ${u}" : ""),
        _ => $"{YamlName} '{Value}'" + (IgnoreCase ? " (any case)" : ""),
    };
}
