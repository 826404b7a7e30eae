using System.Net;
using System.Text;

namespace LlmLab.Reporting;

/// <summary>Shared pieces of the self-contained HTML pages (inline CSS, no scripts, no external resources).</summary>
public static class HtmlPage
{
    const string Css = """
        body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1150px;margin:2em auto;padding:0 1em;color:#1b1f24;line-height:1.45}
        h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #d0d7de;padding-bottom:.2em}
        table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.92em}th,td{border:1px solid #d0d7de;padding:.3em .6em;text-align:left;vertical-align:top}
        th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}caption{caption-side:top;text-align:left;font-style:italic;padding:.2em 0}
        .pass{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}.muted{color:#6e7781}
        .badge{display:inline-block;border-radius:.8em;padding:0 .6em;font-size:.8em;border:1px solid #d0d7de;background:#f6f8fa}
        .b-pass{background:#dafbe1;border-color:#4ac26b}.b-fail{background:#ffebe9;border-color:#ff8182}.b-todo{color:#6e7781}.b-done{background:#ddf4ff;border-color:#54aeff}
        figure{margin:.8em 0;display:inline-block;vertical-align:top}figure img{max-width:540px;border:1px solid #d0d7de}figcaption{font-size:.85em;color:#6e7781}
        .map{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:.7em}.part{border:1px solid #d0d7de;border-radius:6px;padding:.5em .8em}
        .part h3{margin:.1em 0 .4em;font-size:1em}.lab{margin:.25em 0;font-size:.9em}ul.headlines li{margin:.1em 0}pre{background:#f6f8fa;padding:.6em;overflow:auto}
        .progress{height:.8em;background:#eaeef2;border-radius:.4em;overflow:hidden;max-width:420px}.progress span{display:block;height:100%;background:#2da44e}
        """;

    public static void Open(StringBuilder sb, string title) =>
        sb.Append(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" " +
            "content=\"width=device-width,initial-scale=1\"><title>")
          .Append(E(title)).Append("</title><style>").Append(Css).Append("</style></head><body>");

    public static void Close(StringBuilder sb) => sb.Append("</body></html>\n");

    public static void Table(StringBuilder sb, string[] header, IEnumerable<string[]> rows, string? caption)
    {
        sb.Append("<table>");
        if (caption != null) sb.Append("<caption>").Append(E(caption)).Append("</caption>");
        sb.Append("<tr>");
        foreach (var h in header) sb.Append("<th>").Append(E(h)).Append("</th>");
        sb.Append("</tr>");
        foreach (var r in rows)
        {
            sb.Append("<tr>");
            foreach (var c in r) sb.Append(LooksNumeric(c) ? "<td class=\"num\">" : "<td>").Append(E(c)).Append("</td>");
            sb.Append("</tr>");
        }
        sb.Append("</table>");
    }

    public static void Checks(StringBuilder sb, IReadOnlyList<Check> checks)
    {
        if (checks.Count == 0) { sb.Append("<p class=\"muted\">No checks recorded.</p>"); return; }
        sb.Append("<table><tr><th></th><th>check</th><th>expected</th><th>measured</th><th>expectation from</th></tr>");
        foreach (var c in checks)
            sb.Append("<tr><td class=\"")
                .Append(c.Outcome switch { CheckOutcome.Passed => "pass", CheckOutcome.Failed => "fail", _ => "muted" })
              .Append("\">").Append(c.Mark).Append("</td><td>").Append(E(c.Name)).Append(c.Skipped ? " <i>(skipped)</i>" : "")
              .Append("</td><td>").Append(E(c.Expected)).Append("</td><td>").Append(E(c.Measured))
              .Append("</td><td><b>").Append(E(Check.SourceName(c.Source))).Append("</b>: ").Append(E(c.Basis)).Append("</td></tr>");
        sb.Append("</table>");
    }

    static bool LooksNumeric(string s) => s.Length > 0
        && (char.IsDigit(s[0]) || (s[0] is '-' or '+' or '.' && s.Length > 1 && char.IsDigit(s[1])));

    public static string E(string s) => WebUtility.HtmlEncode(s);
}
