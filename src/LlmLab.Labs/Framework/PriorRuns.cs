using LlmLab.Training;

namespace LlmLab.Labs.Framework;

/// <summary>What earlier lab runs left under the runs directory, for labs that reuse a model rather than train one again
/// (1.2 and 10.3 reuse lab 7.1's fine-tune; 8.2 its own earlier agent model).</summary>
public static class PriorRuns
{
    /// <summary>The newest folder holding checkpoints, inside lab <paramref name="labId"/>'s folder of an earlier run
    /// (runs/&lt;stamp&gt;/&lt;lab slug&gt;/…), that <paramref name="accept"/> takes; null when there is none. The current
    /// run is never searched.</summary>
    public static string? Newest(LabContext ctx, string labId, Func<string, bool> accept)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(accept);
        string here = Path.GetFullPath(ctx.Directory);
        string? runsRoot = Path.GetDirectoryName(Path.GetDirectoryName(here));
        if (runsRoot is null || !Directory.Exists(runsRoot)) return null;
        string slug = LabCatalog.Get(labId).Slug;
        foreach (string run in Directory.EnumerateDirectories(runsRoot).OrderByDescending(d => Path.GetFileName(d), StringComparer.Ordinal))
        {
            string lab = Path.Combine(run, slug);
            if (!Directory.Exists(lab) || here.StartsWith(run + Path.DirectorySeparatorChar, StringComparison.Ordinal)) continue;
            foreach (string dir in Directory.EnumerateDirectories(lab, "*", SearchOption.AllDirectories).Prepend(lab))
                if (Checkpoint.List(dir).Count > 0 && accept(dir)) return dir;
        }
        return null;
    }

    /// <summary>The newest checkpoint with an SFT record (<c>config.sft</c>, as <c>SftRunner</c> writes) inside a lab 7.1
    /// folder of an earlier run, or null.</summary>
    public static string? NewestSft(LabContext ctx) =>
        Newest(ctx, "7.1", dir => Checkpoint.Resolve(dir).Json["config"]?["sft"] is not null);
}
