using LlmLab.Runtime;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using LlmLab.Text;

namespace LlmLab.Cli.Commands;

/// <summary>
/// <c>llmlab corpus info [PATH] [--field NAME]</c>: reads a corpus once (the SDK docs when no path is given) and prints
/// its size (documents, characters, UTF-8 bytes), its sources, the train/validation split, document lengths and the
/// time the read took.
/// </summary>
public sealed class CorpusInfoCommand : CliCommand
{
    public override string Name => "corpus info";
    public override string Summary => "count a corpus: documents, characters, bytes, sources, split, lengths";
    public override string Usage => "[PATH] [--field NAME]   (PATH: .txt, .md, .jsonl, .ndjson, .parquet or a directory; none = SDK docs)";
    public override IReadOnlySet<string> Options => new HashSet<string> { "field" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        if (args.Positionals.Count > 1) args.ExpectPositionals(1, this, "at most one corpus path");
        var source = Corpora.Open(args.Positionals.Count == 1 ? args.Positionals[0] : null, args.Get("field"));

        var clock = Stopwatch.StartNew();
        var lengths = new List<int>();
        var bySource = new Dictionary<string, int>(StringComparer.Ordinal);
        long chars = 0, bytes = 0, validation = 0;
        foreach (var doc in source.Read())
        {
            lengths.Add(doc.Text.Length);
            chars += doc.Text.Length;
            bytes += Encoding.UTF8.GetByteCount(doc.Text);
            bySource[doc.Source] = bySource.GetValueOrDefault(doc.Source) + 1;
            if (CorpusSplit.IsValidation(doc.Id)) validation++;
        }
        clock.Stop();

        var c = CultureInfo.InvariantCulture;
        int n = lengths.Count;
        @out.WriteLine($"corpus     {source.Name}");
        @out.WriteLine(string.Format(c, "documents  {0:N0}", n));
        @out.WriteLine(string.Format(c, "characters {0:N0}", chars));
        @out.WriteLine(string.Format(c, "bytes      {0:N0} (UTF-8)", bytes));
        @out.WriteLine(string.Format(c, "split      train {0:N0} / validation {1:N0} ({2:0%} by id hash)", n - validation, validation, CorpusSplit.DefaultFraction));
        @out.WriteLine(n == 0 ? "length     no documents"
            : string.Format(c, "length     mean {0:N0} / median {1:N0} characters per document", (double)chars / n, Median(lengths)));
        @out.WriteLine(string.Format(c, "sources    {0:N0}", bySource.Count));
        foreach (var (name, count) in bySource.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(10))
            @out.WriteLine(string.Format(c, "  {0,9:N0}  {1}", count, name));
        if (bySource.Count > 10) @out.WriteLine(string.Format(c, "  … and {0:N0} more", bySource.Count - 10));
        @out.WriteLine(string.Format(c, "read in    {0:F2} s", clock.Elapsed.TotalSeconds));
        return 0;
    }

    static double Median(List<int> values)
    {
        return SampleStats.Median(values.Select(v => (double)v));
    }
}
