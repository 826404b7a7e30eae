using LlmLab.Monitoring.Drift;

namespace LlmLab.Cli.Commands;

/// <summary>
/// <c>llmlab drift reference --from requests.jsonl --out ref.json</c>: saves a reference sample for drift checks —
/// the features of requests captured by <c>serve --capture-requests</c> (lengths, tokens, latency, refusal flag,
/// language; not their text), or the scalar fields of any JSONL records.
/// </summary>
public sealed class DriftReferenceCommand : CliCommand
{
    public override string Name => "drift reference";
    public override string Summary => "save a drift reference from captured requests (or any JSONL records)";
    public override string Usage => "--from requests.jsonl --out ref.json";
    public override IReadOnlySet<string> Options => new HashSet<string> { "from", "out" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "no argument");
        string from = args.Get("from") ?? throw new UsageException("give --from FILE (requests captured by 'llmlab serve --capture-requests')", this);
        string outPath = args.Get("out") ?? throw new UsageException("give --out FILE (the reference to write, e.g. ref.json)", this);
        OutputPaths.File(outPath, "--out", from);
        var table = DriftRecords.ReadJsonl(from);
        if (table.Rows == 0) throw new InputException($"'{from}' has no records: a reference needs rows");
        DriftReferenceFile.Save(table, outPath, Path.GetFileName(from));
        @out.WriteLine($"reference of {table.Rows:N0} rows, columns {string.Join(", ", table.Columns.Select(c => c.Name))} → {outPath}");
        return 0;
    }
}
