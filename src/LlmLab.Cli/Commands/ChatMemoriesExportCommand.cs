using System.Text.Json;
using System.Text.Json.Nodes;
using LlmLab.Agents.Memory;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab chat memories export</c>: everything stored about a user as one JSON document — messages, facts with
/// their provenance and history, summaries (embeddings are derived data and left out) — to stdout or --out (written
/// to a temporary name and renamed).</summary>
public sealed class ChatMemoriesExportCommand : CliCommand
{
    public override string Name => "chat memories export";
    public override string Summary => "export everything remembered about a user as JSON";
    public override string Usage => "--user NAME [--db FILE] [--out FILE.json]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "user", "db", "out" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "");
        string user = ChatCli.User(args, this);
        string db = args.Get("db") ?? ChatCli.DefaultDb;
        string? path = args.Get("out");
        if (path is not null) OutputPaths.File(path, "--out", db, db + "-wal", db + "-shm");
        string json;
        using (var store = ChatCli.OpenExisting(db))
            json = MemoryExport.ToJson(store, user).ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        if (path is null)
        {
            @out.WriteLine(json);
            return 0;
        }
        string tmp = path + ".tmp";
        try
        {
            File.WriteAllText(tmp, json + "\n");
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
        @out.WriteLine($"exported the memories of {user} to {path}");
        return 0;
    }
}
