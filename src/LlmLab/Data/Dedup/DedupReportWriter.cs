using System.Globalization;
using System.Text;

namespace LlmLab.Data.Dedup;

/// <summary>A Markdown report of a pipeline run: settings, counts per stage, and example clusters with their texts.</summary>
public static class DedupReportWriter
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The report of <paramref name="result"/> (which must include the clusters and filter stages).</summary>
    public static string Markdown(string corpusName, DedupOptions options, DedupResult result, int skippedLines = 0)
    {
        var d = result.Decisions ?? throw new ArgumentException("the result has no clusters yet", nameof(result));
        long n = d.Count, exact = d.Removed(DedupReason.Exact), near = d.Removed(DedupReason.Near);
        var sb = new StringBuilder();
        sb.AppendLine($"# Deduplication of {corpusName}").AppendLine();
        sb.AppendLine("| setting | value |").AppendLine("|---|---|");
        sb.AppendLine($"| normalisation | {options.Normalization.Describe()} |");
        if (options.ExactOnly) sb.AppendLine("| mode | exact only (128-bit hash of the normalised text) |");
        else
        {
            var b = result.Banding!;
            sb.AppendLine(
                string.Create(C, $"| shingles | {options.ShingleKind.ToString().ToLowerInvariant()} {options.ShingleSize}-grams |"));
            sb.AppendLine(string.Create(C, $"| MinHash | {options.Permutations} permutations, seed {options.Seed} |"));
            sb.AppendLine(
                string.Create(C,
                $"| LSH | {b.Bands} bands × {b.Rows} rows (S-curve knee {b.Knee:0.000}; P(candidate) at the threshold " +
                $"{b.Probability(options.Threshold):0.000}) |"));
            sb.AppendLine(string.Create(C, $"| threshold | Jaccard ≥ {options.Threshold:0.###}, verified on the shingle sets |"));
        }
        sb.AppendLine(
            $"| kept per cluster | {(options.Keep == KeepRule.First ? "the first in corpus order" : "the longest (ties: the first)")}; " +
            $"exact duplicates keep their first occurrence |");
        sb.AppendLine().AppendLine("| stage | documents |").AppendLine("|---|---:|");
        sb.AppendLine(string.Create(C, $"| read | {n:N0} |"));
        if (skippedLines > 0) sb.AppendLine(string.Create(C, $"| malformed JSON lines skipped | {skippedLines:N0} |"));
        sb.AppendLine(string.Create(C, $"| removed as exact duplicates | {exact:N0} ({Pct(exact, n)}) |"));
        if (!options.ExactOnly)
        {
            sb.AppendLine(string.Create(C, $"| removed as near-duplicates | {near:N0} ({Pct(near, n)}) |"));
            sb.AppendLine(
                string.Create(C, $"| candidate pairs (LSH) / verified (J ≥ threshold) | {d.CandidatePairs:N0} / {d.VerifiedPairs:N0} |"));
        }
        sb.AppendLine(string.Create(C, $"| kept | {n - exact - near:N0} ({Pct(n - exact - near, n)}) |"));
        sb.AppendLine(string.Create(C, $"| clusters of 2 or more | {d.MultiMemberClusters():N0} |"));
        if (result.Filter is { } f)
        {
            Examples(sb, "Largest clusters", f.Largest);
            Borderline(sb, f.Borderline);
        }
        return sb.ToString();
    }

    static void Examples(StringBuilder sb, string title, IReadOnlyList<DedupExample> examples)
    {
        if (examples.Count == 0) return;
        sb.AppendLine().AppendLine($"## {title}").AppendLine();
        foreach (var e in examples)
        {
            sb.AppendLine(string.Create(C, $"- cluster {e.Cluster} ({e.Size} documents), kept `{e.Kept.Id}`: {Quote(e.Kept.Snippet)}"));
            foreach (var m in e.Removed)
                sb.AppendLine(string.Create(C,
                    $"  - removed `{m.Id}` ({m.Reason.ToString().ToLowerInvariant()}, J = {m.Similarity:0.000}): {Quote(m.Snippet)}"));
        }
    }

    /// <summary>Each removal beside the partner that explains it, which may itself be removed (a chain): its status is
    /// said, and the cluster's kept document is named separately.</summary>
    static void Borderline(StringBuilder sb, IReadOnlyList<DedupBorderlinePair> pairs)
    {
        if (pairs.Count == 0) return;
        sb.AppendLine().AppendLine("## Near-duplicates closest to the threshold").AppendLine();
        foreach (var p in pairs)
        {
            string status = p.Partner.Reason == DedupReason.Kept ? "kept"
                : $"also removed ({p.Partner.Reason.ToString().ToLowerInvariant()})";
            sb.AppendLine(string.Create(C, $"- removed `{p.Removed.Id}` (near, J = {p.Removed.Similarity:0.000} with `{p.Partner.Id}`; " +
                $"cluster {p.Cluster} of {p.Size}, which keeps `{p.KeptId}`): {Quote(p.Removed.Snippet)}"));
            sb.AppendLine(string.Create(C, $"  - its partner `{p.Partner.Id}`, {status}: {Quote(p.Partner.Snippet)}"));
        }
    }

    static string Quote(string s) => "“" + s.Replace("|", "\\|", StringComparison.Ordinal) + "”";
    static string Pct(long part, long whole) => whole == 0 ? "—" : (part / (double)whole).ToString("0.0%", C);
}
