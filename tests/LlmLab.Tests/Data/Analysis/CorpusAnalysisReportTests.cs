using LlmLab.Data.Analysis;
using LlmLab.Labs.Part05;
using LlmLab.Reporting;
using LlmLab.Text;

namespace LlmLab.Tests.Data.Analysis;

/// <summary>The report and figures of a corpus analysis, on a small synthetic corpus.</summary>
public sealed class CorpusAnalysisReportTests
{
    [Fact]
    public void Report_draws_every_figure_and_table()
    {
        var rng = new Random(3);
        var docs = Enumerable.Range(0, 300)
            .Select(i => new Document($"d{i}", SyntheticText.Zipf(rng, 200, 1.0, 3000), i % 3 == 0 ? "a" : "b"));
        var s = CorpusAnalyzer.Analyze(docs, new AnalysisOptions(Languages: LanguageIdentifier.Default), workers: 2, block: 50);
        var report = new Report("t");
        var images = new Dictionary<string, byte[]>();
        var fits = CorpusAnalysisReport.Write(report, (n, png, _) => images[n] = png, s,
            new CorpusAnalysisReport.Settings(ZipfMaxRank: 1000));
        Assert.Equal(["lengths", "zipf", "heaps", "quality-gopher", "quality-gopher-repetition", "quality-c4", "quality-fineweb",
            "languages"], images.Keys);
        Assert.All(images.Values, png => Assert.True(png.Length > 1000 && png[1] == (byte)'P'));
        Assert.InRange(-fits.ZipfWords.Exponent, 0.8, 1.2);
        string md = report.ToMarkdown([], "");
        Assert.Contains("What each filter would remove", md);
        Assert.Contains("| a | 100 |", md);
    }
}
