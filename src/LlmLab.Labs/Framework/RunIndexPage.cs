using System.Text;
using System.Text.Json;
using LlmLab.Reporting;
using static LlmLab.Reporting.HtmlPage;

namespace LlmLab.Labs.Framework;

/// <summary>
/// The run's index.html: the course map (parts × labs, with level, duration, implementation status and whether the
/// learner has a passing run of each), then every lab of this run with its status, headline figures, checks and
/// plots. Self-contained: inline CSS, plots referenced relatively, no script.
/// </summary>
public static class RunIndexPage
{
    public static string Render(string runId, LabRunOptions options, IReadOnlyList<LabRunResult> results, IReadOnlySet<string> passedEver)
    {
        var sb = new StringBuilder();
        Open(sb, $"LlmLab run {runId}");
        int passed = results.Count(r => r.Passed);
        sb.Append("<h1>LlmLab — run ").Append(E(runId)).Append("</h1>");
        sb.Append("<p>").Append(passed).Append(" of ").Append(results.Count).Append(" labs passed · profile <b>")
          .Append(E(options.Profile.ToString().ToLowerInvariant())).Append("</b> · seed ").Append(options.Seed)
          .Append(" · corpus ").Append(E(options.CorpusPath ?? "sdk-docs (the .NET SDK's XML API reference)")).Append("</p>");

        // 1. Course map and progress.
        int implemented = LabCatalog.All.Count(l => LabRegistry.IsImplemented(l.Id));
        int done = LabCatalog.All.Count(l => passedEver.Contains(l.Id));
        sb.Append("<h2>Course map</h2><p>Your progress: ").Append(done).Append(" of ").Append(LabCatalog.All.Count)
          .Append(" labs have a passing run under <code>").Append(E(options.RunsRoot)).Append("/</code>; ")
          .Append(implemented).Append(" are implemented.</p>");
        sb.Append("<div class=\"progress\"><span style=\"width:").Append(100 * done / LabCatalog.All.Count).Append("%\"></span></div><p></p>");
        sb.Append("<div class=\"map\">");
        foreach (var part in LabCatalog.All.GroupBy(l => l.Part))
        {
            sb.Append("<div class=\"part\"><h3>Part ").Append(part.Key).Append(" · ").Append(E(part.First().PartTitle)).Append("</h3>");
            foreach (var lab in part)
            {
                var here = results.FirstOrDefault(r => r.Info.Id == lab.Id);
                string badge = here is not null ? (here.Passed ? "<span class=\"badge b-pass\">passed</span>" : "<span class=\"badge b-fail\">" + E(here.Status) + "</span>")
                    : passedEver.Contains(lab.Id) ? "<span class=\"badge b-done\">done earlier</span>"
                    : LabRegistry.IsImplemented(lab.Id) ? "<span class=\"badge\">not run</span>" : "<span class=\"badge b-todo\">not yet implemented</span>";
                sb.Append("<div class=\"lab\"><b>").Append(E(lab.Id)).Append("</b> ");
                if (here is not null) sb.Append("<a href=\"#lab-").Append(E(lab.Id)).Append("\">").Append(E(lab.Title)).Append("</a>");
                else sb.Append(E(lab.Title));
                sb.Append(" <span class=\"muted\">(").Append(E(lab.TitleFr)).Append(") · ").Append(lab.Level.ToString().ToLowerInvariant())
                  .Append(" · ").Append(E(lab.Duration)).Append("</span> ").Append(badge).Append("</div>");
            }
            sb.Append("</div>");
        }
        sb.Append("</div>");

        // 2. This run's labs.
        sb.Append("<h2>Labs in this run</h2>");
        Table(sb, ["lab", "title", "status", "checks", "time (s)", "headline figures"], results.Select(r => new[]
        {
            r.Info.Id, r.Info.Title, r.Status,
            $"{r.Checks.Count(c => c.Passed)}/{r.Checks.Count}" + (r.Checks.Any(c => c.Skipped) ? $" ({r.Checks.Count(c => c.Skipped)} skipped)" : ""), r.Seconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture),
            string.Join("; ", r.Headlines.Select(h => h.Key + ": " + h.Value)),
        }), null);
        foreach (var r in results)
        {
            sb.Append("<h2 id=\"lab-").Append(E(r.Info.Id)).Append("\">").Append(E(r.Info.Id)).Append(" — ").Append(E(r.Info.Title))
              .Append(" <span class=\"").Append(r.Passed ? "pass" : "fail").Append("\">").Append(E(r.Status)).Append("</span></h2>");
            sb.Append("<p class=\"muted\">").Append(E(r.Info.Objective)).Append(" — <i>").Append(E(r.Info.ObjectiveFr)).Append("</i></p>");
            sb.Append("<p><a href=\"").Append(E(r.Directory)).Append("/report.html\">report</a> · <a href=\"").Append(E(r.Directory))
              .Append("/report.md\">report.md</a> · <a href=\"").Append(E(r.Directory)).Append("/result.json\">result.json</a> · <a href=\"")
              .Append(E(r.Directory)).Append("/config.json\">config.json</a></p>");
            if (r.Error is not null) sb.Append("<p class=\"fail\">").Append(E(r.Error)).Append("</p>");
            if (r.Headlines.Count > 0)
            {
                sb.Append("<ul class=\"headlines\">");
                foreach (var h in r.Headlines) sb.Append("<li><b>").Append(E(h.Key)).Append("</b>: ").Append(E(h.Value)).Append("</li>");
                sb.Append("</ul>");
            }
            Checks(sb, r.Checks);
            foreach (string img in r.Images)
                sb.Append("<figure><img src=\"").Append(E(r.Directory + "/" + img)).Append("\" alt=\"").Append(E(img)).Append("\"></figure>");
        }
        sb.Append("<p class=\"muted\">Generated by llmlab. Each lab's folder holds config.json (resolved config, seed, git commit, versions, machine), metrics.jsonl, plots, report.md and result.json.</p>");
        Close(sb);
        return sb.ToString();
    }

    /// <summary>Ids of labs with at least one passing result.json anywhere under <paramref name="runsRoot"/>.</summary>
    public static IReadOnlySet<string> PassedLabIds(string runsRoot)
    {
        var ids = new HashSet<string>();
        if (!Directory.Exists(runsRoot)) return ids;
        foreach (string file in Directory.EnumerateFiles(runsRoot, "result.json", SearchOption.AllDirectories))
        {
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(file));
                if (doc.RootElement.TryGetProperty("status", out var s) && s.GetString() == "passed"
                    && doc.RootElement.TryGetProperty("lab", out var id) && id.GetString() is { } lab)
                    ids.Add(lab);
            }
            catch (Exception e) when (e is JsonException or IOException or InvalidOperationException) { /* a foreign or damaged file is not progress */ }
        }
        return ids;
    }
}
