using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LlmLab.Planning;

/// <summary>
/// A success metric's target, made measurable: a comparator, a number and an optional unit, parsed from text such
/// as <c>"&gt;= 0.90"</c>, <c>"&lt;= 2 %"</c>, <c>"at least 85 %"</c> or a bare number (then the comparator is empty).
/// </summary>
public sealed partial record UseCaseTarget(string Comparator, double Value, string Unit)
{
    /// <summary>Parses a target value; null when it holds no number, i.e. when it cannot be measured.</summary>
    public static UseCaseTarget? TryParse(JsonNode? node)
    {
        if (node is JsonValue v && v.TryGetValue(out double d)) return new UseCaseTarget("", d, "");
        if (node is not JsonValue s || !s.TryGetValue(out string? text)) return null;
        var m = Pattern().Match(text.Trim());
        if (!m.Success) return null;
        string cmp = m.Groups["cmp"].Value.ToLowerInvariant() switch
        {
            "≥" or "at least" or "no less than" or "minimum" or "min" => ">=",
            "≤" or "at most" or "no more than" or "maximum" or "max" or "under" => "<=",
            "==" => "=",
            var c => c,
        };
        double value = double.Parse(m.Groups["num"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        return new UseCaseTarget(cmp, value, m.Groups["unit"].Value.Trim());
    }

    /// <summary>Whether <paramref name="measured"/> meets the target (a bare number means "at least").</summary>
    public bool IsMetBy(double measured) => Comparator switch
    {
        "<=" => measured <= Value,
        "<" => measured < Value,
        ">" => measured > Value,
        "=" => measured == Value,
        _ => measured >= Value,
    };

    public override string ToString() =>
        $"{(Comparator.Length > 0 ? Comparator + " " : "")}{Value.ToString(CultureInfo.InvariantCulture)}" +
        $"{(Unit.Length > 0 ? " " + Unit : "")}";

    [GeneratedRegex(@"^(?<cmp>>=|<=|==|≥|≤|>|<|=|at least|at most|no less than|no more than|minimum|maximum|min|max|under)?\s*" +
                    @"(?<num>[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?)\s*(?<unit>.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();
}
