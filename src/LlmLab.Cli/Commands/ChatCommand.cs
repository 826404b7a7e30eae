using LlmLab.Agents.Memory;
using LlmLab.Retrieval.Embeddings;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab chat</c>: a terminal chat with long-term memory (lab 8.3). Every turn is stored in a SQLite memory
/// database before the reply is made; facts, summaries and relevant old messages are recalled into each prompt. Replies
/// come from a local checkpoint (--model DIR), an OpenAI-compatible endpoint (--openai-base-url URL --model NAME), or,
/// with no model, the reference answerer that quotes the best memories. --script FILE replays one user message per line
/// (non-interactive); rerunning it with the same --session resumes where it stopped, without repeating a turn.</summary>
public sealed class ChatCommand : CliCommand
{
    public override string Name => "chat";
    public override string Summary => "chat in the terminal with a persistent memory of the user (facts, summaries, old messages)";
    public override string Usage => "--user NAME [--db FILE] [--model DIR|NAME] [--openai-base-url URL] [--session ID] [--script FILE] " +
        "[--k 5] [--context-tokens 768]";
    public override IReadOnlySet<string> Options =>
        new HashSet<string> { "user", "db", "model", "openai-base-url", "session", "script", "k", "context-tokens" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "");
        string user = ChatCli.User(args, this);
        string db = args.Get("db") ?? ChatCli.DefaultDb;
        int k = args.GetInt("k", 5, 1, 50);
        int budget = args.GetInt("context-tokens", 768, 256, 1_000_000);
        string session = args.Get("session") ?? $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
        if (session.Length is 0 or > 100 || session.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            throw new InputException($"--session '{session}': give an id of 1 to 100 characters without spaces");
        string[]? script = null;
        if (args.Get("script") is { } path)
        {
            if (!File.Exists(path)) throw new InputException($"--script {path}: no such file (one user message per line)");
            script = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToArray();
            if (script.Length == 0) throw new InputException($"--script {path}: has no message (one user message per line)");
        }
        ChatCli.CheckTarget(db);
        using var encoder = OnnxSentenceEncoder.CreateMiniLm();
        var (model, count, owned, context) = ChatCli.Model(args, encoder);
        using (owned)
        using (var store = MemoryStore.Open(db, encoder.ModelId, encoder.Dimensions))
        {
            var options = new MemoryOptions(K: k, ContextTokens: Math.Min(budget, context ?? budget));
            var chat = new MemoryChat(store, encoder, user, session, model, options: options, countTokens: count);
            int summarised = chat.StartAsync().GetAwaiter().GetResult();
            @out.WriteLine($"session {session} of {user} ({db}): {store.Facts(user).Count} facts, " +
                $"{store.Summaries(user).Count} summaries, " +
                $"{store.Messages(user).Count} messages remembered; {summarised} earlier session(s) summarised now");
            if (script is not null) Replay(chat, store, user, session, script, @out);
            else Interactive(chat, @out);
        }
        return 0;
    }

    static void Replay(MemoryChat chat, MemoryStore store, string user, string session, string[] script, TextWriter @out)
    {
        var said = store.Messages(user, session).Where(m => m.Role == "user").Select(m => m.Text).ToList();
        for (int i = 0; i < said.Count; i++)
        {
            if (i >= script.Length || said[i] != script[i].Trim())
                throw new InputException($"--session {session} already holds a different conversation (turn {i + 1}); " +
                    "give a new --session or the same script");
        }
        if (chat.PendingUserMessage is not null) Print(chat.ReplyPendingAsync().GetAwaiter().GetResult(), @out);
        for (int i = said.Count; i < script.Length; i++)
        {
            @out.WriteLine($"you: {script[i].Trim()}");
            Print(chat.SendAsync(script[i].Trim()).GetAwaiter().GetResult(), @out);
        }
    }

    static void Interactive(MemoryChat chat, TextWriter @out)
    {
        if (chat.PendingUserMessage is not null) Print(chat.ReplyPendingAsync().GetAwaiter().GetResult(), @out);
        bool terminal = !Console.IsInputRedirected;
        if (terminal) @out.WriteLine("(type a message; /quit or Ctrl-D ends the session)");
        while (true)
        {
            if (terminal) @out.Write("you> ");
            string? line = Console.In.ReadLine();
            if (line is null || line.Trim() is "/quit" or "/exit") break;
            if (line.Trim().Length == 0) continue;
            Print(chat.SendAsync(line.Trim()).GetAwaiter().GetResult(), @out);
        }
    }

    static void Print(MemoryTurn turn, TextWriter @out)
    {
        @out.WriteLine($"assistant: {turn.Reply}");
        string recalled = string.Join(", ", turn.Recalled.Select(r => r.Record.Label));
        @out.WriteLine($"  [{turn.PromptTokens} prompt tokens; recalled: {(recalled.Length == 0 ? "nothing" : recalled)}" +
            (turn.Evictions > 0 ? $"; context full: oldest turns summarised {turn.Evictions}×" : "") + "]");
    }
}
