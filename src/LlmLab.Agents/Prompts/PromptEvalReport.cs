using System.Text.Json;
using System.Text.Json.Nodes;
using LlmLab.Reporting;
using LlmLab.Runtime;

namespace LlmLab.Agents.Prompts;

/// <summary>
/// The evaluation's report, through the project's <see cref="Report"/>: the matrix per provider, the summary (pass
/// rate, latency, tokens per variant) and the failed cells with why; written as report.md, report.html and
/// results.json (every cell, every assertion). Files are written to temporary names and renamed. Thread-safe (stateless).
/// </summary>
public static class PromptEvalReport
{
    /// <summary>How many failed cells the report lists (results.json has all).</summary>
    public const int FailuresShown = 30;

    /// <summary>Adds the evaluation's tables to <paramref name="report"/>.</summary>
    public static void AddTo(Report report, PromptEvalResult result)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(result);
        foreach (string p in result.Providers)
            report.Table(["variant \\ test", .. result.Suite.Tests.Select(t => t.Id), "passed"], PromptMatrix.Rows(result, p),
                $"Provider {p}: variant × test (every assertion of the test must pass)");
        report.Table(["provider", "variant", "pass rate", "mean latency (ms)", "mean tokens", "errors"], PromptMatrix.Summary(result),
            "Per provider and variant");
        var failed = result.Cells.Where(c => !c.Passed).ToList();
        if (failed.Count > 0)
            report.Table(["provider", "variant", "test", "failed", "why"], failed.Take(FailuresShown).Select(c => new[]
            {
                c.Provider, c.Variant, c.Test, c.Error is null ? string.Join("; ", c.Outcomes.Where(o => !o.Passed).Select(o
                    => o.Assertion)) : "call",
                c.Error ?? string.Join("; ", c.Outcomes.Where(o => !o.Passed).Select(o => o.Detail)),
            }), failed.Count > FailuresShown ? $"The first {FailuresShown} of {failed.Count} failed cells (all in results.json)"
                : "Failed cells");
    }

    /// <summary>Writes report.md, report.html and results.json into <paramref name="directory"/> (created).</summary>
    public static void Write(PromptEvalResult result, string directory)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(directory);
        var report = new Report($"Prompt evaluation — {Path.GetFileName(result.Suite.Source)}");
        if (result.Suite.Description is { } d) report.Paragraph(d);
        int passed = result.Cells.Count(c => c.Passed);
        report.Headline("cells passed", $"{passed} of {result.Cells.Count}");
        AddTo(report, result);
        string status = result.AllPassed ? $"All {result.Cells.Count} cells passed." : $"{result.Cells.Count - passed} of " +
            $"{result.Cells.Count} cells failed.";
        AtomicFile.WriteAllText(Path.Combine(directory, "report.md"), report.ToMarkdown([], status));
        AtomicFile.WriteAllText(Path.Combine(directory, "report.html"), report.ToHtml([], status, result.AllPassed));
        AtomicFile.WriteAllText(Path.Combine(directory, "results.json"),
            Json(result).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Every cell as JSON: {source, providers, variants, tests, cells: [{provider, variant, test, reply, answer,
    /// latency_ms, input_tokens, output_tokens, error, passed, assertions: [{type, assertion, passed, detail}]}]}.</summary>
    public static JsonObject Json(PromptEvalResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new JsonObject
        {
            ["source"] = result.Suite.Source,
            ["providers"] = new JsonArray(result.Providers.Select(p => (JsonNode?)p).ToArray()),
            ["variants"] = new JsonArray(result.Suite.Variants.Select(v => (JsonNode?)v.Id).ToArray()),
            ["tests"] = new JsonArray(result.Suite.Tests.Select(t => (JsonNode?)t.Id).ToArray()),
            ["passed"] = result.Cells.Count(c => c.Passed),
            ["cells"] = new JsonArray(result.Cells.Select(c => (JsonNode?)new JsonObject
            {
                ["provider"] = c.Provider, ["variant"] = c.Variant, ["test"] = c.Test, ["reply"] = c.Reply, ["answer"] = c.Answer,
                ["latency_ms"] = Math.Round(c.LatencyMs, 3), ["input_tokens"] = c.InputTokens, ["output_tokens"] = c.OutputTokens,
                ["error"] = c.Error, ["passed"] = c.Passed,
                ["assertions"] = new JsonArray(c.Outcomes.Select(o => (JsonNode?)new JsonObject
                {
                    ["type"] = PromptAssertion.Names.First(n => n.Value == o.Kind).Key, ["assertion"] = o.Assertion, ["passed"] = o.Passed,
                    ["detail"] = o.Detail,
                }).ToArray()),
            }).ToArray()),
        };
    }
}
