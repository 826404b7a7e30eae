using System.Globalization;
using LlmLab.Agents.Memory;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab chat memories list</c>: what the memory holds about a user — current facts (and their history with
/// --history), session summaries, and messages per session.</summary>
public sealed class ChatMemoriesListCommand : CliCommand
{
    public override string Name => "chat memories list";
    public override string Summary => "list what the chat remembers about a user (facts, summaries, sessions)";
    public override string Usage => "--user NAME [--db FILE] [--history]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "user", "db" };
    public override IReadOnlySet<string> Flags => new HashSet<string> { "history" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "");
        string user = ChatCli.User(args, this);
        using var store = ChatCli.OpenExisting(args.Get("db") ?? ChatCli.DefaultDb);
        var facts = store.Facts(user, history: args.Flag("history"));
        @out.WriteLine($"facts ({facts.Count(f => f.SupersededBy is null)} current):");
        foreach (var f in facts)
        {
            string state = f.SupersededBy is { } by ? $" (superseded{(by > 0 ? $" by #{by}" : "")})" : "";
            @out.WriteLine($"  #{f.Id} [{Date(f.CreatedAt)}] {f.Key} = {f.Value}{state} — from session {f.Session}, turn {f.FirstSeq + 1}");
        }
        var summaries = store.Summaries(user);
        @out.WriteLine($"summaries ({summaries.Count}):");
        foreach (var s in summaries) @out.WriteLine($"  #{s.Id} session {s.Session} turns {s.FirstSeq + 1}–{s.LastSeq + 1}: {s.Text}");
        var messages = store.Messages(user);
        @out.WriteLine($"messages ({messages.Count}):");
        foreach (var g in messages.GroupBy(m => m.Session))
            @out.WriteLine($"  session {g.Key}: {g.Count()} messages, {Date(g.Min(m => m.CreatedAt))} to {Date(g.Max(m => m.CreatedAt))}");
        return 0;
    }

    static string Date(DateTimeOffset t) => t.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
