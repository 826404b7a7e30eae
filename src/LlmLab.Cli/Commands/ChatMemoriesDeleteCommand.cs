namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab chat memories delete</c>: forgets a user's memories — all of them, or those mentioning a text — with
/// what was derived from them (facts, summaries). The rows and embeddings are overwritten (<c>secure_delete</c>) and the
/// WAL is checkpointed and truncated, so the text is gone from the database files.</summary>
public sealed class ChatMemoriesDeleteCommand : CliCommand
{
    public override string Name => "chat memories delete";
    public override string Summary => "delete a user's memories (all, or those containing a text) from the database files";
    public override string Usage => "--user NAME [--db FILE] (--all | --match TEXT)";
    public override IReadOnlySet<string> Options => new HashSet<string> { "user", "db", "match" };
    public override IReadOnlySet<string> Flags => new HashSet<string> { "all" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "");
        string user = ChatCli.User(args, this);
        string? match = args.Get("match");
        if ((match is null) == !args.Flag("all")) throw new UsageException("give exactly one of --all and --match TEXT", this);
        if (match is not null && match.Trim().Length < 2)
            throw new InputException("--match needs at least 2 characters (use --all to delete all)");
        using var store = ChatCli.OpenExisting(args.Get("db") ?? ChatCli.DefaultDb);
        var (messages, facts, summaries, checkpointed) = store.Delete(user, match?.Trim());
        @out.WriteLine($"deleted {messages} messages, {facts} facts and {summaries} summaries of {user}; " +
            (checkpointed ? "the WAL is checkpointed and truncated"
                : "another connection holds the WAL: it is truncated when that closes"));
        return 0;
    }
}
