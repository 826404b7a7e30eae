using LlmLab.Retrieval;
using Microsoft.Extensions.AI;

namespace LlmLab.Agents.Memory;

/// <summary>
/// One chat session of one user with long-term memory, in the manner of MemGPT (Packer et al. 2023): every turn is
/// written to the store (the user's message with the facts found in it, in one transaction, before the model is
/// called, so a crash loses at most the reply being written); each prompt recalls the most relevant memories
/// (<see cref="MemoryRetriever"/>); when the prompt outgrows <see cref="MemoryOptions.ContextTokens"/>, the oldest half of
/// the session's turns is summarised (recursively, with the previous summary), the summary stored, and those turns
/// evicted from the context (they stay in the store). Starting a session summarises the user's earlier sessions that
/// have no summary yet. A summary that states a value a newer fact superseded is re-rendered with the current value
/// (<see cref="SummaryReviser"/>), as soon as the newer fact is stored. Replies come from <paramref name="model"/>, or —
/// without a model — from the
/// <see cref="ReferenceAnswerer"/> over the recalled memories. Not thread-safe: one instance per session.
/// </summary>
/// <param name="store">The database (one open store per session; several sessions may share the file).</param>
/// <param name="embedder">Embeds messages, facts, summaries and queries (MiniLM: <c>OnnxSentenceEncoder</c>).</param>
/// <param name="user">The user.</param>
/// <param name="session">The session id; an existing one is resumed.</param>
/// <param name="model">The chat model; null for the reference answerer.</param>
/// <param name="extractor">Null: <see cref="RuleFactExtractor"/>.</param>
/// <param name="summarizer">Null: <see cref="RuleSummarizer"/>.</param>
/// <param name="options">Null: defaults.</param>
/// <param name="countTokens">Counts prompt tokens for the budget (null: words × 4/3).</param>
/// <param name="clock">Null: the system clock.</param>
public sealed class MemoryChat(MemoryStore store, IEmbeddingGenerator<string, Embedding<float>> embedder, string user, string session,
    IChatClient? model = null, IFactExtractor? extractor = null, ISessionSummarizer? summarizer = null, MemoryOptions? options = null,
    Func<string, int>? countTokens = null, TimeProvider? clock = null)
{
    readonly IFactExtractor _extractor = extractor ?? new RuleFactExtractor();
    readonly ISessionSummarizer _summarizer = summarizer ?? new RuleSummarizer();
    readonly Func<string, int> _count = countTokens ?? (s => (s.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length * 4 + 2) / 3);
    readonly TimeProvider _clock = clock ?? TimeProvider.System;
    readonly List<MemoryRecord> _working = [];
    readonly ReferenceAnswerer _reference = new();
    long _nextSeq;
    long _summaryFrom;
    long _superseded = -1;
    bool _started;

    /// <summary>The options in force.</summary>
    public MemoryOptions Options { get; } = options ?? new MemoryOptions();

    /// <summary>The summary of the turns evicted from this session's context (empty until the first eviction).</summary>
    public string Summary { get; private set; } = "";

    /// <summary>The user's last message when the session was resumed without its reply (a crash between the two).</summary>
    public string? PendingUserMessage { get; private set; }

    /// <summary>Messages of this session now in the context.</summary>
    public IReadOnlyList<MemoryRecord> Working => _working;

    /// <summary>Summarises the user's earlier sessions that have none and loads this session's turns (resuming it).</summary>
    /// <returns>How many earlier sessions were summarised.</returns>
    public async Task<int> StartAsync(CancellationToken cancellationToken = default)
    {
        Options.Validate();
        int summarised = 0;
        foreach (var (other, first, last) in store.UnsummarizedSessions(user, session))
        {
            var span = store.Messages(user, other).Where(m => m.FirstSeq >= first && m.LastSeq <= last).ToList();
            string text = await _summarizer.SummarizeAsync(span, Options.SummaryWords, cancellationToken).ConfigureAwait(false);
            if (text.Length == 0) continue;
            store.AddSummary(user, other, first, last, text, span[^1].CreatedAt, 0.5, await EmbedOne(text, cancellationToken));
            summarised++;
        }
        await ReviseSummariesAsync(cancellationToken).ConfigureAwait(false);      // also finishes one a crash cut short
        var mine = store.Messages(user, session);
        // A resumed session continues from its latest running summary and the turns after it.
        if (store.Summaries(user).Where(s => s.Session == session).MaxBy(s => s.LastSeq) is { } own)
        {
            (Summary, _summaryFrom) = (own.Text, own.FirstSeq);
            _working.AddRange(mine.Where(m => m.FirstSeq > own.LastSeq));
        }
        else _working.AddRange(mine);
        _nextSeq = store.NextSeq(user, session);
        if (mine.Count > 0 && mine[^1].Role == "user") PendingUserMessage = mine[^1].Text;
        _started = true;
        return summarised;
    }

    /// <summary>Stores the user's message, recalls memories, fits the context and gets the reply (stored too).</summary>
    public async Task<MemoryTurn> SendAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        if (!_started) throw new InvalidOperationException("call StartAsync first");
        if (PendingUserMessage is not null)
            throw new InvalidOperationException("the resumed session has a message without reply: call ReplyPendingAsync");
        await RememberAsync("user", text, cancellationToken).ConfigureAwait(false);
        return await ReplyAsync(text, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Answers <see cref="PendingUserMessage"/> (already stored) after a resumed crash.</summary>
    public Task<MemoryTurn> ReplyPendingAsync(CancellationToken cancellationToken = default)
    {
        string text = PendingUserMessage ?? throw new InvalidOperationException("no pending message");
        PendingUserMessage = null;
        return ReplyAsync(text, cancellationToken);
    }

    async Task<MemoryTurn> ReplyAsync(string text, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        float[] query = await EmbedOne(text, cancellationToken).ConfigureAwait(false);
        // What the prompt already holds is not recalled again: the working turns, the facts taken from them, this
        // session's own summaries (the running one is in the prompt).
        var inContext = _working.Select(m => m.FirstSeq).ToHashSet();
        var recalled = new MemoryRetriever(Options).Rank(query, MemoryRetriever.Candidates(store, user), now, Options.K,
            m => m.Session == session && (m.Kind == MemoryKind.Summary || inContext.Contains(m.FirstSeq))).ToList();
        int evictions = 0;
        var prompt = Prompt(recalled);
        while (prompt.Tokens(_count) + Options.MaxReplyTokens > Options.ContextTokens && _working.Count > 1)
        {
            await EvictAsync(cancellationToken).ConfigureAwait(false);
            evictions++;
            prompt = Prompt(recalled);
        }
        while (prompt.Tokens(_count) + Options.MaxReplyTokens > Options.ContextTokens && recalled.Count > 0)
        {
            recalled.RemoveAt(recalled.Count - 1); // the lowest-scored memory goes first
            prompt = Prompt(recalled);
        }
        string reply;
        if (model is null) reply = _reference.Answer(query, recalled.Select(r => r.Record).ToList());
        else
        {
            var response = await model.GetResponseAsync(prompt.Messages, new ChatOptions
            {
                Instructions = prompt.Instructions, MaxOutputTokens = Options.MaxReplyTokens,
            }, cancellationToken).ConfigureAwait(false);
            reply = response.Text.Trim();
            if (reply.Length == 0) reply = "…";
        }
        await RememberAsync("assistant", reply, cancellationToken).ConfigureAwait(false);
        return new MemoryTurn(reply, recalled, prompt.Tokens(_count), evictions);
    }

    MemoryPrompt Prompt(List<ScoredMemory> recalled) => MemoryPrompt.Build(recalled.Select(r => r.Record), Summary,
        _working.Select(m => new ChatMessage(m.Role == "assistant" ? ChatRole.Assistant : ChatRole.User, m.Text)));

    /// <summary>Stores a scripted turn (an imported or replayed conversation) as the session's next message, with the
    /// facts found in it when the user wrote it; no reply is made.</summary>
    /// <param name="role">"user" or "assistant".</param>
    /// <param name="text">The message.</param>
    /// <param name="at">When it was said (null: now).</param>
    /// <param name="cancellationToken">Cancels extraction and embedding (nothing is stored then).</param>
    public Task RecordAsync(string role, string text, DateTimeOffset? at = null, CancellationToken cancellationToken = default)
    {
        if (role is not ("user" or "assistant")) throw new ArgumentException($"role must be user or assistant (got {role})", nameof(role));
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        if (!_started) throw new InvalidOperationException("call StartAsync first");
        return RememberAsync(role, text, cancellationToken, at);
    }

    /// <summary>Stores a message (with its facts when the user wrote it) as the session's next turn.</summary>
    async Task RememberAsync(string role, string text, CancellationToken cancellationToken, DateTimeOffset? when = null)
    {
        var facts = role == "user" ? await _extractor.ExtractAsync(text, cancellationToken).ConfigureAwait(false) : [];
        var vectors = await EmbedMany([text, .. facts.Select(f => f.Text)], cancellationToken).ConfigureAwait(false);
        // Importance by rule (Park et al. ask the model for a 1–10 rating): a message stating facts matters more.
        double importance = role == "user" ? (facts.Count > 0 ? 0.6 : 0.3) : 0.1;
        var at = when ?? _clock.GetUtcNow();
        long seq = _nextSeq++;
        var (id, _) = store.AppendMessage(user, session, seq, role, text, at, importance, vectors[0],
            facts.Select((f, i) => (f, vectors[i + 1])).ToList());
        _working.Add(new MemoryRecord(MemoryKind.Message, id, user, session, text, at, importance, seq, seq, vectors[0], Role: role));
        if (facts.Count > 0 && store.SupersededCount(user) != _superseded)                     // a fact was superseded
            await ReviseSummariesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Brings summaries that state a superseded value up to date (<see cref="SummaryReviser"/>), the running one
    /// of this session included.</summary>
    async Task ReviseSummariesAsync(CancellationToken cancellationToken)
    {
        _superseded = store.SupersededCount(user);
        var revised = await new SummaryReviser(store, _extractor, EmbedOne).ReviseAsync(user, cancellationToken).ConfigureAwait(false);
        if (revised.Count > 0 && Summary.Length > 0
            && store.Summaries(user).Where(s => s.Session == session).MaxBy(s => s.LastSeq) is { } own)
            Summary = own.Text;
    }

    /// <summary>MemGPT's eviction: the oldest half of the working turns (always keeping the newest) is folded into the
    /// running summary, which is stored covering the session from its first evicted turn.</summary>
    async Task EvictAsync(CancellationToken cancellationToken)
    {
        int n = Math.Max(1, Math.Min(_working.Count / 2, _working.Count - 1));
        var evicted = _working.Take(n).ToList();
        _working.RemoveRange(0, n);
        var input = new List<MemoryRecord>();
        if (Summary.Length > 0) input.Add(evicted[0] with { Text = Summary, Role = "user" });
        else _summaryFrom = evicted[0].FirstSeq;
        input.AddRange(evicted);
        Summary = await _summarizer.SummarizeAsync(input, Options.SummaryWords, cancellationToken).ConfigureAwait(false);
        if (Summary.Length > 0)
        {
            store.AddSummary(user, session, _summaryFrom, evicted[^1].LastSeq, Summary, evicted[^1].CreatedAt, 0.5,
                await EmbedOne(Summary, cancellationToken).ConfigureAwait(false));
            await ReviseSummariesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    async Task<float[]> EmbedOne(string text, CancellationToken cancellationToken) =>
        (await EmbedMany([text], cancellationToken).ConfigureAwait(false))[0];

    async Task<float[][]> EmbedMany(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var result = await embedder.GenerateAsync(texts, cancellationToken: cancellationToken).ConfigureAwait(false);
        return result.Select(e => VectorMath.Normalized(e.Vector.Span)).ToArray();
    }
}
