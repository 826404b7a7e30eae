using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;

namespace LlmLab.Agents.Prompts;

/// <summary>
/// Judges a reply against an assertion. Text assertions (equals, contains, regex, json-schema, task) read the
/// answer (<see cref="PromptVariant.Answer"/>); latency and cost read the call's measurements. A provider that reports
/// no token usage fails a cost assertion (it cannot be shown to hold). Thread-safe (stateless).
/// </summary>
public static class AssertionJudge
{
    static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The outcome of <paramref name="assertion"/> for <paramref name="answer"/> and the call's measurements.</summary>
    /// <param name="assertion">What to check.</param>
    /// <param name="answer">The part of the reply judged.</param>
    /// <param name="latencyMs">The call's wall-clock time.</param>
    /// <param name="inputTokens">Prompt tokens the provider reported (null: none reported).</param>
    /// <param name="outputTokens">Reply tokens the provider reported (null: none reported).</param>
    /// <param name="test">The test, for its variables.</param>
    public static AssertionOutcome Judge(PromptAssertion assertion, string answer, double latencyMs, long? inputTokens, long? outputTokens,
        PromptTest test)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(test);
        string value = assertion.Value?.Render(test.Vars, test.Id) ?? "";
        var cmp = assertion.IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var (passed, detail) = assertion.Kind switch
        {
            AssertionKind.Equal => (string.Equals(answer.Trim(), value.Trim(), cmp), $"got '{Short(answer)}'"),
            AssertionKind.Contains => (answer.Contains(value, cmp), $"got '{Short(answer)}'"),
            AssertionKind.Regex => Matches(value, answer, assertion.IgnoreCase),
            AssertionKind.JsonSchema => Schema(assertion.Schema!, answer),
            AssertionKind.Task => Task(assertion, value, answer),
            AssertionKind.Latency => (latencyMs <= assertion.MaxMs, F($"{latencyMs:0.#} ms")),
            _ => Cost(assertion, inputTokens, outputTokens),
        };
        return new AssertionOutcome(assertion.Kind, assertion.Describe(), passed, detail);
    }

    static (bool, string) Matches(string pattern, string answer, bool ignoreCase)
    {
        try
        {
            var options = ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None;
            return (Regex.IsMatch(answer, pattern, options, RegexTimeout), $"got '{Short(answer)}'");
        }
        catch (ArgumentException e)
        {
            // A pattern built from a test's variables is only known here; it fails the cell rather than the run.
            return (false, $"invalid pattern '{pattern}': {e.Message}");
        }
        catch (RegexMatchTimeoutException)
        {
            return (false, $"pattern '{pattern}' took over {RegexTimeout.TotalSeconds:0} s on the reply");
        }
    }

    /// <summary>The whole answer must be one JSON document (white space around it allowed), valid against the schema.</summary>
    static (bool, string) Schema(JsonSchema schema, string answer)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(answer); }
        catch (JsonException e) { return (false, $"not JSON ({e.Message.Split('.')[0]}): '{Short(answer)}'"); }
        using (doc)
        {
            var r = schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (r.IsValid) return (true, "valid");
            var errors = (r.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).Take(3);
            return (false, "schema: " + string.Join("; ", errors));
        }
    }

    static (bool, string) Task(PromptAssertion a, string reference, string answer)
    {
        var grade = a.Family!.Check(reference, answer);
        return (grade.Correct,
            grade.Correct ? "right" : grade.FormatValid ? $"wrong answer '{Short(answer)}'" : $"unparsable '{Short(answer)}'");
    }

    static (bool, string) Cost(PromptAssertion a, long? input, long? output)
    {
        if (input is null && output is null) return (false, "the provider reported no token usage");
        long tokens = (input ?? 0) + (output ?? 0);
        double usd = ((input ?? 0) * a.InputUsdPerMillion + (output ?? 0) * a.OutputUsdPerMillion) / 1e6;
        bool ok = (a.MaxTokens is not { } t || tokens <= t) && (a.MaxUsd is not { } u || usd <= u);
        return (ok, F($"{tokens} tokens") + (a.MaxUsd is null ? "" : F($", ${usd:0.######}")));
    }

    static string Short(string s) => s.Length <= 60 ? s.ReplaceLineEndings(" ") : s[..57].ReplaceLineEndings(" ") + "…";

    static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
