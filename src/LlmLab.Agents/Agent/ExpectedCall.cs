using System.Text.Json;

namespace LlmLab.Agents.Agent;

/// <summary>
/// A call a task expects, in the Berkeley Function-Calling Leaderboard's "possible answers" style: the tool's name, for
/// each constrained argument the values that count as right (numbers compared by value, strings trimmed and
/// case-insensitive; an argument not listed is free), and optionally a check on the tool's result — BFCL's executable
/// category, used where many argument spellings are right (an SQL query, an arithmetic expression). Immutable.
/// </summary>
/// <param name="Name">The tool.</param>
/// <param name="Args">Per argument, the accepted values (null: only the name is checked).</param>
/// <param name="Result">A predicate the result text must satisfy (null: none).</param>
public sealed record ExpectedCall(string Name, IReadOnlyDictionary<string, object[]>? Args = null, Func<string, bool>? Result = null)
{
    /// <summary>Whether <paramref name="call"/> is this call.</summary>
    public bool Matches(ToolCallRecord call)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call.Name != Name) return false;
        foreach (var (key, accepted) in Args ?? new Dictionary<string, object[]>())
        {
            if (call.Arguments.ValueKind != JsonValueKind.Object || !call.Arguments.TryGetProperty(key, out var got)) return false;
            if (!accepted.Any(a => Same(got, a))) return false;
        }
        return Result is null || (call.Status == "ok" && Result(call.Result));
    }

    /// <summary>A JSON value against an accepted value: numbers by value (also a number sent as a string), text trimmed
    /// and case-insensitive.</summary>
    public static bool Same(JsonElement got, object accepted)
    {
        string text = got.ValueKind == JsonValueKind.String ? got.GetString()!.Trim() : got.GetRawText();
        return accepted switch
        {
            double or int or long or float => double.TryParse(text, System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture, out double v) && Math.Abs(v - Convert.ToDouble(accepted,
                System.Globalization.CultureInfo.InvariantCulture)) <= 1e-9 * Math.Max(1, Math.Abs(v)),
            string s => string.Equals(text, s.Trim(), StringComparison.OrdinalIgnoreCase),
            _ => false,
        };
    }
}
