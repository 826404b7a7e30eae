using System.Globalization;
using LlmLab.Data.Analysis;
using LlmLab.Reporting;
using LlmLab.Runtime;
using LlmLab.Text;
using LlmLab.Tokenization;

namespace LlmLab.Cli.Commands;

/// <summary>
/// <c>llmlab data stats [IN] [--out DIR]</c>: the distribution report of lab 5.2 for any corpus (the SDK docs when no
/// path is given): one streaming pass on all cores, then <c>report.md</c>, <c>report.html</c> and the PNG figures in
/// <c>--out</c> (default <c>runs/data-stats-STAMP</c>).
/// </summary>
public sealed class DataStatsCommand : CliCommand
{
    public override string Name => "data stats";
    public override string Summary => "corpus distribution report: lengths, Zipf, Heaps, Gopher/C4/FineWeb signals, languages, sources";
    public override string Usage => "[IN] [--out DIR] [--field NAME] [--max-documents N] [--tokenizer gpt2|cl100k_base|none] [--workers N]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "out", "field", "max-documents", "tokenizer", "workers" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        if (args.Positionals.Count > 1) args.ExpectPositionals(1, this, "at most one corpus path");
        var source = Corpora.Open(args.Positionals.Count == 1 ? args.Positionals[0] : null, args.Get("field"));
        long max = args.GetLong("max-documents", 0);
        if (max < 0) throw new InputException($"--max-documents must be ≥ 0 (0: all; got {max})");
        string tokenizerName = args.Get("tokenizer") ?? "gpt2";
        ITokenizer? tokenizer = tokenizerName == "none" ? null
            : PretrainedTokenizers.Get(tokenizerName) ?? throw new InputException($"--tokenizer '{tokenizerName}': use {PretrainedTokenizers.Names} or none");
        int workers = args.GetInt("workers", Environment.ProcessorCount, min: 1, max: 256);
        string dir = args.Get("out") ?? Path.Combine("runs", "data-stats-" + DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));

        OutputPaths.Directory(dir, "--out");

        var docs = source.Read();
        if (max > 0) docs = docs.Take((int)Math.Min(max, int.MaxValue));
        var stats = CorpusAnalyzer.Analyze(docs, new AnalysisOptions(tokenizer, LanguageIdentifier.Default), workers);
        if (stats.Documents == 0) throw new InputException($"corpus '{source.Name}' has no documents");
        // The whole report is made in memory first: a corpus too small for a fit is refused with nothing written.
        var report = new Report($"Corpus statistics — {source.Name}");
        report.Paragraph($"{stats.Documents:N0} documents of `{source.Name}`{(max > 0 ? $" (at most {max:N0})" : "")}, tokens by {tokenizerName}.");
        var images = new List<(string File, byte[] Png)>();
        CorpusFits fits;
        try
        {
            fits = CorpusAnalysisReport.Write(report, (name, png, caption) =>
            {
                images.Add((name + ".png", png));
                report.Image(name + ".png", caption);
            }, stats, new CorpusAnalysisReport.Settings());
        }
        catch (InvalidOperationException e) when (e.Message.Contains("fit", StringComparison.OrdinalIgnoreCase))
        {
            // PowerLawFit's refusal: too few word types with enough occurrences for the Zipf or Heaps fit.
            throw new InputException($"corpus '{source.Name}' is too small for the distribution report ({stats.Words:N0} words, " +
                                     $"{stats.Vocabulary:N0} word types): {e.Message}", e);
        }
        string status = $"{stats.Documents:N0} documents analysed";
        Directory.CreateDirectory(dir);
        foreach (var (file, png) in images) AtomicFile.WriteAllBytes(Path.Combine(dir, file), png);
        AtomicFile.WriteAllText(Path.Combine(dir, "report.md"), report.ToMarkdown([], status));
        AtomicFile.WriteAllText(Path.Combine(dir, "report.html"), report.ToHtml([], status, passed: true));

        var c = CultureInfo.InvariantCulture;
        @out.WriteLine(string.Format(c, "documents  {0:N0} ({1:N0} words, {2:N0} word types)", stats.Documents, stats.Words, stats.Vocabulary));
        @out.WriteLine(string.Format(c, "zipf       s = {0:0.000} (word types)", -fits.ZipfWords.Exponent));
        @out.WriteLine(string.Format(c, "heaps      V = {0:0.00} · n^{1:0.000}", fits.Heaps.Coefficient, fits.Heaps.Exponent));
        @out.WriteLine(string.Format(c, "filters    {0:P1} of documents removed by at least one rule", stats.RemovedByAny / (double)stats.Documents));
        @out.WriteLine($"report     {Path.Combine(dir, "report.md")}");
        return 0;
    }
}
