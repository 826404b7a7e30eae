using LlmLab.Text;

namespace LlmLab.Data.Dedup;

/// <summary>
/// Runs the dedup stages (signatures → buckets → clusters → filter) over a corpus, with their files in a work folder.
/// </summary>
/// <remarks>
/// <para>Resume: with <c>resume</c>, a stage whose file is present, readable, made with this run's settings and from
/// the current file of the stage before it is reused; the first stage that is not is recomputed, and every stage after
/// it. So a changed threshold reuses the signatures and recomputes buckets and clusters; an interrupted run resumes at
/// the stage it was in (every file is written atomically, so none is ever half-written).</para>
/// <para>One stage (<c>only</c>): runs that stage alone; it refuses an earlier stage's file made with other settings.</para>
/// <para>The filter stage always runs when an output path is given (its files are the product). Thread-safe as long
/// as two runs do not share a work folder.</para>
/// </remarks>
public static class DedupPipeline
{
    /// <param name="source">The corpus; read once by the signatures stage and once by the filter stage.</param>
    /// <param name="workDir">Folder for the stage files (created).</param>
    /// <param name="outputPath">Kept documents (JSONL); null stops after the clusters stage.</param>
    /// <param name="removedPath">Removed documents (JSONL); null = the output path with ".removed.jsonl" for its extension.</param>
    /// <param name="options">Settings (validated).</param>
    /// <param name="resume">Reuse stage files that are current (see remarks).</param>
    /// <param name="only">Run this one stage.</param>
    /// <param name="progress">Stage progress.</param>
    /// <param name="cancellationToken">Stops the corpus passes.</param>
    public static DedupResult Run(IDocumentSource source, string workDir, string? outputPath, DedupOptions options, bool resume = false,
        DedupStage? only = null, string? removedPath = null, IProgress<DedupProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (only == DedupStage.Filter && outputPath is null) throw new InputException("the filter stage needs an output path");
        Directory.CreateDirectory(workDir);
        var ran = new List<DedupStage>();
        var reused = new List<DedupStage>();
        SignatureStageResult? sig = null;
        BucketStageResult? buckets = null;
        ClusterStageResult? clusters = null;
        FilterStageResult? filter = null;
        bool upstreamChanged = false;
        foreach (var stage in Enum.GetValues<DedupStage>())
        {
            if (only is { } o && o != stage) continue;
            if (stage == DedupStage.Filter && outputPath is null) break;
            if (only is null && resume && !upstreamChanged && stage != DedupStage.Filter && IsCurrent(workDir, stage, options))
            {
                reused.Add(stage);
                continue;
            }
            upstreamChanged = true;
            ran.Add(stage);
            switch (stage)
            {
                case DedupStage.Signatures: sig = SignatureStage.Run(source, workDir, options, progress, cancellationToken); break;
                case DedupStage.Buckets: buckets = BucketStage.Run(workDir, options, progress); break;
                case DedupStage.Clusters: clusters = ClusterStage.Run(workDir, options, progress); break;
                default:
                    filter = FilterStage.Run(source, workDir, outputPath!, removedPath ?? RemovedPathFor(outputPath!), options,
                        progress: progress,
                        cancellationToken: cancellationToken);
                    break;
            }
        }
        var decisions = File.Exists(Path.Combine(workDir, DedupClusters.FileName)) && (only is null || only >= DedupStage.Clusters)
            ? DedupClusters.Read(workDir) : null;
        return new DedupResult(ran, reused, sig, buckets, clusters, filter, options.ExactOnly ? null : options.Banding(), decisions);
    }

    /// <summary>"out.jsonl" → "out.removed.jsonl".</summary>
    public static string RemovedPathFor(string outputPath) => Path.ChangeExtension(outputPath, null) + ".removed.jsonl";

    /// <summary>The candidate pairs (a &lt; b) of the buckets stage's file, for evaluation.</summary>
    public static IReadOnlyList<(int A, int B)> CandidatePairs(string workDir) =>
        BucketFile.Read(Path.Combine(workDir, BucketFile.Name)).Pairs.Select(BucketStage.Unpack).ToList();

    /// <summary>True when the stage's file is present, readable, made with these settings, and made from the current
    /// file of the stage before it.</summary>
    static bool IsCurrent(string workDir, DedupStage stage, DedupOptions options)
    {
        var expected = StageSettings.For(stage, options);
        try
        {
            StageHeader Header(string name, string magic, string madeBy) => StageFile.ReadHeaderOnly(Path.Combine(workDir, name), magic,
                madeBy);
            var sig = Header(SignatureFile.SignaturesName, SignatureFile.Magic, SignatureFile.MadeBy);
            var sh = Header(SignatureFile.ShinglesName, SignatureFile.ShinglesMagic, SignatureFile.MadeBy);
            if (sh.Run != sig.Run) return false;
            var header = sig;
            if (stage >= DedupStage.Buckets)
            {
                var b = Header(BucketFile.Name, BucketFile.Magic, BucketFile.MadeBy);
                if (b.Input != sig.Run) return false;
                header = b;
            }
            if (stage >= DedupStage.Clusters)
            {
                var c = Header(DedupClusters.FileName, DedupClusters.Magic, DedupClusters.MadeBy);
                if (c.Input != header.Run) return false;
                header = c;
            }
            return header.Settings.Count == expected.Count && header.Settings.All(kv => expected.GetValueOrDefault(kv.Key) == kv.Value);
        }
        catch (InputException) { return false; } // missing or damaged: recompute
    }
}
