using System.Globalization;
using LlmLab.Data.Dedup;
using LlmLab.Runtime;
using LlmLab.Text;

namespace LlmLab.Cli.Commands;

/// <summary>
/// <c>llmlab data dedup IN OUT</c>: exact and MinHash-LSH near-duplicate removal over a corpus (txt, JSONL, Parquet, a
/// directory of them, or <c>sdk-docs</c> for the default corpus). Writes the kept documents to OUT (JSONL), the removed
/// ones with their reasons to OUT's ".removed.jsonl" sibling and a report to ".report.md"; the stage files go to
/// <c>--work</c> (default OUT's ".dedup" sibling) so that <c>--resume</c> and <c>--stage</c> can run a large corpus in steps.
/// </summary>
public sealed class DataDedupCommand : CliCommand
{
    public override string Name => "data dedup";
    public override string Summary => "remove exact and near-duplicate documents (MinHash LSH); write the kept ones as JSONL and a report";
    public override string Usage => "IN|sdk-docs OUT.jsonl [--field NAME] [--threshold 0.8] [--shingle 5] [--shingle-kind words|chars] [--perm 128] " +
                                    "[--seed 1] [--bands B --rows R] [--normalize nfkc,lower,space,punct[,digits]|none] [--keep first|longest] " +
                                    "[--exact-only] [--bad-lines stop|skip] [--threads N] [--work DIR] [--resume] [--stage signatures|buckets|clusters|filter]";
    public override IReadOnlySet<string> Options => new HashSet<string>
        { "field", "threshold", "shingle", "shingle-kind", "perm", "seed", "bands", "rows", "normalize", "keep", "bad-lines", "threads", "work", "stage" };
    public override IReadOnlySet<string> Flags => new HashSet<string> { "exact-only", "resume" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(2, this, "IN and OUT");
        string input = args.Positionals[0], output = args.Positionals[1];
        var options = Parse(args);
        options.Validate();
        string badLines = args.Get("bad-lines") ?? "stop";
        if (badLines is not ("stop" or "skip")) throw new InputException($"--bad-lines must be stop or skip (got '{badLines}')");
        var skipped = badLines == "skip" ? new BadLineLog() : null;
        DedupStage? only = args.Get("stage") is { } s
            ? Enum.TryParse<DedupStage>(s, ignoreCase: true, out var st) && !int.TryParse(s, out _) ? st
                : throw new InputException($"--stage must be signatures, buckets, clusters or filter (got '{s}')")
            : null;
        if (Path.GetExtension(output).ToLowerInvariant() is not (".jsonl" or ".ndjson"))
            throw new InputException($"OUT '{output}' must be a .jsonl file (the kept documents are written as JSON Lines)");
        string work = args.Get("work") ?? Path.ChangeExtension(output, null) + ".dedup";
        string report = ReportPathFor(output);
        if (input != "sdk-docs") GuardInput(input, output, report);

        IDocumentSource source;
        try { source = Corpora.Open(input == "sdk-docs" ? null : input, args.Get("field"), skipped); }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException and not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new InputException($"cannot read '{input}': {e.Message}", e);
        }
        DedupResult result;
        bool workExisted = Directory.Exists(work), done = false;
        try
        {
            result = SpectreProgress.Run(sink =>
            {
                using var task = sink.Begin("dedup", 0);
                var progress = new StageProgress(task);
                return DedupPipeline.Run(source, work, only is null or DedupStage.Filter ? output : null, options, args.Flag("resume"), only, progress: progress);
            });
            done = true;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException and not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new InputException($"reading '{input}' or writing '{output}' failed: {e.Message}", e);
        }
        finally
        {
            // A run that failed before any stage file was complete leaves nothing behind; a folder that holds complete
            // stage files is kept for --resume, and one that existed before is never removed.
            if (!done && !workExisted && Directory.Exists(work) && !Directory.EnumerateFileSystemEntries(work).Any())
                Directory.Delete(work);
        }

        var c = CultureInfo.InvariantCulture;
        if (result.Reused.Count > 0) @out.WriteLine($"reused     {string.Join(", ", result.Reused.Select(x => x.ToString().ToLowerInvariant()))} (from {work})");
        @out.WriteLine($"ran        {string.Join(", ", result.Ran.Select(x => x.ToString().ToLowerInvariant()))}");
        if (result.Banding is { } b) @out.WriteLine(string.Format(c, "lsh        {0} bands × {1} rows for Jaccard ≥ {2}", b.Bands, b.Rows, options.Threshold));
        if (skipped is { Count: > 0 })
        {
            @out.WriteLine(string.Format(c, "skipped    {0:N0} malformed JSON line{1}", skipped.Count, skipped.Count == 1 ? "" : "s"));
            foreach (string m in skipped.Examples.Take(3)) @out.WriteLine($"           {m}");
        }
        if (result.Decisions is not { } d) return 0;
        long exact = d.Removed(DedupReason.Exact), near = d.Removed(DedupReason.Near);
        @out.WriteLine(string.Format(c, "documents  {0:N0}: {1:N0} exact and {2:N0} near duplicates removed, {3:N0} kept, {4:N0} clusters of 2+",
            d.Count, exact, near, d.Count - exact - near, d.MultiMemberClusters()));
        if (result.Filter is null) return 0;
        AtomicFile.WriteAllText(report, DedupReportWriter.Markdown(source.Name, options, result, skipped?.Count ?? 0));
        @out.WriteLine($"wrote      {output}");
        @out.WriteLine($"           {DedupPipeline.RemovedPathFor(output)}");
        @out.WriteLine($"           {report}");
        return 0;
    }

    /// <summary>"out.jsonl" → "out.report.md".</summary>
    internal static string ReportPathFor(string output) => Path.ChangeExtension(output, null) + ".report.md";

    /// <summary>Refuses an IN that this run would overwrite (OUT or one of its derived files), and an input directory
    /// that holds the outputs (the next run would read its own output: the report is a .md, the kept file a .jsonl).</summary>
    static void GuardInput(string input, string output, string report)
    {
        string full = Full(input);
        var written = new[]
            { ("OUT", output), ("OUT's removed-documents file", DedupPipeline.RemovedPathFor(output)), ("OUT's report", report) };
        foreach (var (what, path) in written)
            if (Full(path) == full)
                throw new InputException($"IN '{input}' is {what}, which this run writes: it would be overwritten; choose another OUT");
        if (Directory.Exists(input) && Full(output).StartsWith(full + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new InputException($"OUT '{output}' is inside the input directory '{input}': the next run would read its own output; " +
                "write OUT outside it");
    }

    static string Full(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));

    static DedupOptions Parse(CliArgs args)
    {
        var o = new DedupOptions
        {
            Threshold = args.GetDouble("threshold", 0.8),
            ShingleSize = args.GetInt("shingle", 5, 1, 64),
            Permutations = args.GetInt("perm", 128, 1, 4096),
            Seed = (ulong)args.GetLong("seed", 1),
            ExactOnly = args.Flag("exact-only"),
            Threads = args.GetInt("threads", Environment.ProcessorCount, 1, 1024),
        };
        if (args.Get("bands") is not null != (args.Get("rows") is not null))
            throw new InputException("--bands and --rows go together: give both, or neither to choose them from --threshold");
        if (args.Get("bands") is not null)
            o = o with { Bands = args.GetInt("bands", 0), Rows = args.GetInt("rows", 0) };
        if (args.Get("normalize") is { } n) o = o with { Normalization = NormalizationOptions.Parse(n) };
        o = o with
        {
            ShingleKind = (args.Get("shingle-kind") ?? "words") switch
            {
                "words" => ShingleKind.Words, "chars" => ShingleKind.Chars,
                var k => throw new InputException($"--shingle-kind must be words or chars (got '{k}')"),
            },
            Keep = (args.Get("keep") ?? "first") switch
            {
                "first" => KeepRule.First, "longest" => KeepRule.Longest,
                var k => throw new InputException($"--keep must be first or longest (got '{k}')"),
            },
        };
        return o;
    }

    /// <summary>Shows the stage and its count on the progress bar (called from the pipeline's thread).</summary>
    sealed class StageProgress(Reporting.IProgressTask task) : IProgress<DedupProgress>
    {
        public void Report(DedupProgress value) => task.Description = $"dedup: {value.Stage.ToString().ToLowerInvariant()} {value.Done:N0}";
    }
}
