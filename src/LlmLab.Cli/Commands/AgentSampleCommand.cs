using LlmLab.Agents.Tools;
using LlmLab.Retrieval.Embeddings;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab agent sample</c>: writes the agent's sample world (shop.db, docs/, and with --index the handbook's
/// RAG index rag.db) into a new folder.</summary>
public sealed class AgentSampleCommand : CliCommand
{
    public override string Name => "agent sample";
    public override string Summary => "write the agent's sample shop database, documents and (with --index) RAG index into a new folder";
    public override string Usage => "DIR [--index]";
    public override IReadOnlySet<string> Flags => new HashSet<string> { "index" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(1, this, "the folder to create");
        string dir = args.Positionals[0];
        if (File.Exists(dir)) throw new InputException($"'{dir}' is a file: give a new folder");
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
            throw new InputException($"'{dir}' is not empty: give a new folder (nothing is overwritten)");
        OutputPaths.Directory(dir, "DIR");
        using var encoder = args.Flag("index") ? OnnxSentenceEncoder.CreateMiniLm() : null;
        // Built beside the target and renamed into place: an interrupted run leaves no half-made folder under its name.
        string full = Path.GetFullPath(Path.TrimEndingDirectorySeparator(dir));
        string tmp = $"{full}.tmp-{Guid.NewGuid():N}";
        try
        {
            SampleWorkspace.Create(tmp, encoder);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(full)) Directory.Delete(full); // empty, checked above
            Directory.Move(tmp, full);
        }
        finally
        {
            if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
        }
        var ws = SampleWorkspace.Open(full);
        @out.WriteLine($"wrote {ws.DatabasePath} ({ws.Database.Customers.Count} customers, {ws.Database.Products.Count} products, " +
            $"{ws.Database.Orders.Count} orders), {SampleWorkspace.Documents.Count} files under {ws.DocsRoot}" +
            (ws.HasIndex ? $" and the handbook's index {ws.IndexPath}" : ""));
        @out.WriteLine($"try: llmlab agent run \"How many orders are in the shop database?\" --scripted --db {ws.DatabasePath} --files " +
            $"{ws.DocsRoot}");
        return 0;
    }
}
