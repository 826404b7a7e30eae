using System.Globalization;

namespace LlmLab.Data.Dedup;

/// <summary>
/// The settings each stage's output depends on, as name → value pairs stored in its file. A stage's file holds its
/// own settings and those of every earlier stage; a later stage compares them with its own and refuses a mismatch.
/// </summary>
internal static class StageSettings
{
    public static SortedDictionary<string, string> For(DedupStage stage, DedupOptions o)
    {
        var c = CultureInfo.InvariantCulture;
        var s = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["normalize"] = o.Normalization.Describe(),
            ["exact_only"] = o.ExactOnly ? "true" : "false",
        };
        if (!o.ExactOnly)
        {
            s["shingle"] = $"{o.ShingleKind.ToString().ToLowerInvariant()}:{o.ShingleSize.ToString(c)}";
            s["perm"] = o.Permutations.ToString(c);
            s["seed"] = o.Seed.ToString(c);
        }
        if (stage >= DedupStage.Buckets && !o.ExactOnly)
        {
            var banding = o.Banding();
            s["bands"] = banding.Bands.ToString(c);
            s["rows"] = banding.Rows.ToString(c);
            s["max_bucket_pairs"] = o.MaxBucketPairs.ToString(c);
        }
        if (stage >= DedupStage.Clusters)
        {
            if (!o.ExactOnly) s["threshold"] = o.Threshold.ToString("R", c);
            s["keep"] = o.Keep.ToString().ToLowerInvariant();
        }
        return s;
    }

    /// <summary>Throws when <paramref name="found"/> (from a file) differs from this run's <paramref name="expected"/> in any key it
    /// holds.</summary>
    public static void Check(string path, IReadOnlyDictionary<string, string> found, IReadOnlyDictionary<string, string> expected)
    {
        // The file holds every setting up to its stage; exact_only differs whenever the shingle keys come and go.
        var diffs = found.Keys.Where(k => found[k] != expected.GetValueOrDefault(k)).Order(StringComparer.Ordinal).ToList();
        if (diffs.Count == 0) return;
        string Was(string k) => $"{k}={found.GetValueOrDefault(k) ?? "(none)"}";
        string Now(string k) => $"{k}={expected.GetValueOrDefault(k) ?? "(none)"}";
        throw new InputException($"{Path.GetFileName(path)} in '{Path.GetDirectoryName(Path.GetFullPath(path))}' was made with " +
            $"{string.Join(", ", diffs.Select(Was))}, but this run has {string.Join(", ", diffs.Select(Now))}: use the same settings, " +
            "or run the earlier stages again (without --resume every stage is recomputed)");
    }
}
