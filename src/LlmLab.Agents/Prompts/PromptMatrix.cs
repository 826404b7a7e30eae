using System.Globalization;
using System.Text;

namespace LlmLab.Agents.Prompts;

/// <summary>The evaluation as rows and columns: for each provider, one row per variant and one column per test, each
/// cell "pass", "FAIL" or "ERROR", and the variant's pass count; plus the summary rows that the text and the reports
/// share. Thread-safe (stateless).</summary>
public static class PromptMatrix
{
    /// <summary>The word shown for a cell.</summary>
    public static string Mark(PromptCell cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        return cell.Error is not null ? "ERROR" : cell.Passed ? "pass" : "FAIL";
    }

    /// <summary>Rows (variant, one mark per test, "passed/total") of <paramref name="provider"/>.</summary>
    public static IEnumerable<string[]> Rows(PromptEvalResult result, string provider)
    {
        ArgumentNullException.ThrowIfNull(result);
        foreach (var v in result.Suite.Variants)
        {
            var cells = result.Suite.Tests.Select(t => result.Cell(provider, v.Id, t.Id)).ToList();
            yield return [v.Id, .. cells.Select(Mark), $"{cells.Count(c => c.Passed)}/{cells.Count}"];
        }
    }

    /// <summary>Summary rows (provider, variant, pass rate, mean latency ms, mean tokens, errors).</summary>
    public static IEnumerable<string[]> Summary(PromptEvalResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        foreach (string p in result.Providers)
            foreach (var v in result.Suite.Variants)
            {
                var cells = result.Cells.Where(c => c.Provider == p && c.Variant == v.Id).ToList();
                var tokens = cells.Where(c => c.InputTokens is not null || c.OutputTokens is not null)
                    .Select(c => (double)((c.InputTokens ?? 0) + (c.OutputTokens ?? 0))).ToList();
                yield return [p, v.Id, F($"{result.PassRate(p, v.Id):P0}"), F($"{cells.Average(c => c.LatencyMs):0.#}"),
                    tokens.Count == 0 ? "—" : F($"{tokens.Average():0.#}"), cells.Count(c
                        => c.Error is not null).ToString(CultureInfo.InvariantCulture)];
            }
    }

    /// <summary>The matrix as aligned plain text, one block per provider, then the summary.</summary>
    public static string Text(PromptEvalResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var sb = new StringBuilder();
        foreach (string p in result.Providers)
        {
            sb.Append("provider ").AppendLine(p);
            Align(sb, [["variant \\ test", .. result.Suite.Tests.Select(t => t.Id), "passed"], .. Rows(result, p)]);
            sb.AppendLine();
        }
        Align(sb, [["provider", "variant", "pass rate", "mean ms", "mean tokens", "errors"], .. Summary(result)]);
        return sb.ToString();
    }

    static void Align(StringBuilder sb, List<string[]> rows)
    {
        int[] widths = Enumerable.Range(0, rows[0].Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        foreach (var r in rows) sb.AppendLine(string.Join("  ", r.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
    }

    static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
