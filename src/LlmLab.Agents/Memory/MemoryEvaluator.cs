using System.Diagnostics;
using LlmLab.Retrieval;
using Microsoft.Extensions.AI;

namespace LlmLab.Agents.Memory;

/// <summary>
/// Runs a <see cref="MemoryEvalSet"/>: each conversation's sessions are replayed into a fresh memory database through
/// <see cref="MemoryChat.RecordAsync"/> (facts extracted, earlier sessions summarised as each new one starts, as in a
/// real chat), then every question is asked a day after the last session under three conditions — <c>memory</c> (the
/// retrieved top-k memories), <c>full-context</c> (every earlier message in the prompt) and <c>no-memory</c> (nothing) —
/// and answered by the <see cref="ReferenceAnswerer"/> (its abstention threshold calibrated on the set's validation part)
/// and by each model given. Retrieval is scored against the set's
/// evidence turns (recall@k: a turn is found when a retrieved message is that turn, a retrieved fact came from it, or a
/// retrieved summary covers it). Not thread-safe.
/// </summary>
/// <param name="embedder">Embeds everything (MiniLM).</param>
/// <param name="countTokens">Counts a prompt's tokens (tokens per query are reported with it).</param>
/// <param name="options">Retrieval options (k, weights).</param>
/// <param name="extractor">Null: rules.</param>
/// <param name="summarizer">Null: rules.</param>
public sealed class MemoryEvaluator(IEmbeddingGenerator<string, Embedding<float>> embedder, Func<string, int> countTokens,
    MemoryOptions? options = null, IFactExtractor? extractor = null, ISessionSummarizer? summarizer = null)
{
    /// <summary>The three context conditions.</summary>
    public static readonly IReadOnlyList<string> Conditions = ["memory", "full-context", "no-memory"];

    /// <summary>The answerer name of the <see cref="ReferenceAnswerer"/>.</summary>
    public const string Reference = "reference";

    readonly MemoryOptions _options = options ?? new MemoryOptions();

    /// <summary>One question after retrieval: what each condition's answer is built from.</summary>
    sealed record Asked(MemoryEvalSet.Conversation Conversation, MemoryEvalSet.Question Question, bool Validation, float[] Query,
        IReadOnlyList<MemoryRecord> Recalled, IReadOnlyList<MemoryRecord> History, double EmbedMs, double RetrievalMs);

    /// <summary>Evaluates the set; databases are made in <paramref name="directory"/> (one per conversation, left there).
    /// The reference answerer's abstention threshold is calibrated on the set's validation part
    /// (<see cref="AbstentionThreshold"/>) with the memory condition's contexts, unless <paramref name="abstainBelow"/> fixes it.</summary>
    /// <param name="set">The conversations and questions.</param>
    /// <param name="directory">Where the memory databases go.</param>
    /// <param name="models">Models to answer besides the reference, by name (their answers are reported).</param>
    /// <param name="abstainBelow">A fixed threshold for the reference answerer; null: calibrated.</param>
    /// <param name="cancellationToken">Stops between questions.</param>
    public async Task<MemoryEvalReport> RunAsync(MemoryEvalSet set, string directory,
        IReadOnlyDictionary<string, IChatClient>? models = null, double? abstainBelow = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(set);
        var asked = new List<Asked>();
        var retrievals = new List<MemoryEvalReport.RetrievalOutcome>();
        // 1. Replay each conversation into its own memory and retrieve for every question.
        foreach (var conversation in set.Conversations)
        {
            string db = Path.Combine(directory, $"memory-{Safe(conversation.User)}.db");
            foreach (string f in new[] { db, db + "-wal", db + "-shm" }) File.Delete(f);
            using var store = MemoryStore.Open(db, ModelIdOf(embedder), DimensionsOf(embedder));
            await IngestAsync(store, conversation, cancellationToken).ConfigureAwait(false);
            var history = store.Messages(conversation.User);
            for (int i = 0; i < conversation.Questions.Count; i++)
            {
                var q = conversation.Questions[i];
                cancellationToken.ThrowIfCancellationRequested();
                var clock = Stopwatch.StartNew();
                float[] query = VectorMath.Normalized((await embedder.GenerateAsync([q.Text], cancellationToken: cancellationToken)
                    .ConfigureAwait(false))[0].Vector.Span);
                double embedMs = clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                var recalled = new MemoryRetriever(_options).Rank(query, MemoryRetriever.Candidates(store, conversation.User),
                    conversation.AskedAt, _options.K).Select(r => r.Record).ToList();
                double retrievalMs = clock.Elapsed.TotalMilliseconds;
                retrievals.Add(Score(conversation, q, recalled));
                asked.Add(new Asked(conversation, q, AbstentionThreshold.IsValidation(i), query, recalled, history, embedMs, retrievalMs));
            }
        }
        // 2. The abstention threshold, from the validation part only.
        var defaults = new ReferenceAnswerer();
        double threshold = abstainBelow ?? AbstentionThreshold.Calibrate(asked.Where(a => a.Validation)
            .Select(a => (ReferenceAnswerer.BestSimilarity(a.Query, a.Recalled), a.Question.Category == "no-answer")).ToList(),
            defaults.AbstainBelow);
        var reference = new ReferenceAnswerer(threshold);
        // 3. Answers under each condition.
        var answers = new List<MemoryEvalReport.AnswerOutcome>();
        foreach (var a in asked)
        {
            var (conversation, q) = (a.Conversation, a.Question);
            foreach (string condition in Conditions)
            {
                cancellationToken.ThrowIfCancellationRequested();
                IReadOnlyList<MemoryRecord> context = condition switch { "memory" => a.Recalled, "full-context" => a.History, _ => [] };
                var prompt = condition == "full-context"
                    ? MemoryPrompt.Build([], null, [.. a.History.Select(ToChat), new ChatMessage(ChatRole.User, q.Text)])
                    : MemoryPrompt.Build(context, null, [new ChatMessage(ChatRole.User, q.Text)]);
                int tokens = prompt.Tokens(countTokens);
                // Retrieval (embedding the question, ranking) is the memory condition's cost; the reference answerer
                // needs the question's embedding under every condition, a model does not.
                double baseMs = condition == "memory" ? a.EmbedMs + a.RetrievalMs : 0;
                var clock = Stopwatch.StartNew();
                string reply = reference.Answer(a.Query, context);
                answers.Add(Outcome(conversation, q, condition, Reference, reply, tokens,
                    (condition == "memory" ? baseMs : a.EmbedMs) + clock.Elapsed.TotalMilliseconds));
                foreach (var (name, model) in models ?? new Dictionary<string, IChatClient>())
                {
                    clock.Restart();
                    var response = await model.GetResponseAsync(prompt.Messages, new ChatOptions
                    {
                        Instructions = prompt.Instructions, MaxOutputTokens = _options.MaxReplyTokens, Temperature = 0,
                    }, cancellationToken).ConfigureAwait(false);
                    answers.Add(Outcome(conversation, q, condition, name, response.Text.Trim(),
                        (int)(response.Usage?.InputTokenCount ?? tokens), baseMs + clock.Elapsed.TotalMilliseconds));
                }
            }
        }
        return new MemoryEvalReport(_options.K, answers, retrievals)
        {
            AbstainBelow = threshold, Calibrated = abstainBelow is null,
            Validation = asked.Where(a => a.Validation).Select(a => a.Question.Id).ToHashSet(StringComparer.Ordinal),
        };
    }

    async Task IngestAsync(MemoryStore store, MemoryEvalSet.Conversation conversation, CancellationToken cancellationToken)
    {
        foreach (var session in conversation.Sessions)
        {
            var chat = new MemoryChat(store, embedder, conversation.User, session.Id, extractor: extractor, summarizer: summarizer,
                options: _options, countTokens: countTokens);
            await chat.StartAsync(cancellationToken).ConfigureAwait(false);
            foreach (var turn in session.Turns) await chat.RecordAsync(turn.Role, turn.Text, turn.At,
                cancellationToken).ConfigureAwait(false);
        }
        // The last session is summarised too, as the next session's start would.
        var next = new MemoryChat(store, embedder, conversation.User, "eval-questions", extractor: extractor, summarizer: summarizer,
            options: _options, countTokens: countTokens);
        await next.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    static MemoryEvalReport.RetrievalOutcome Score(MemoryEvalSet.Conversation c, MemoryEvalSet.Question q, List<MemoryRecord> recalled)
    {
        var evidence = q.Evidence.Select(c.Locate).ToList();
        int found = evidence.Count(e => recalled.Any(r => r.Covers(e.Session, e.Seq)));
        bool stale = q.Wrong.Any(w => recalled.Any(r => r.Text.Contains(w, StringComparison.OrdinalIgnoreCase)));
        return new MemoryEvalReport.RetrievalOutcome(c.User, q.Id, q.Category, evidence.Count == 0 ? null : (double)found / evidence.Count,
            stale, recalled.Select(r => r.Label).ToList());
    }

    static MemoryEvalReport.AnswerOutcome Outcome(MemoryEvalSet.Conversation c, MemoryEvalSet.Question q, string condition,
        string answerer, string reply, int tokens, double ms) =>
        new(c.User, q.Id, q.Category, condition, answerer, reply, IsCorrect(q, reply), tokens, ms);

    /// <summary>A question's answer is right when it abstains on a no-answer question, and otherwise holds every expected
    /// answer and no outdated value (case-insensitive containment), without abstaining.</summary>
    public static bool IsCorrect(MemoryEvalSet.Question q, string answer)
    {
        if (q.Category == "no-answer") return ReferenceAnswerer.Abstains(answer);
        return !ReferenceAnswerer.Abstains(answer) && q.Answers.All(a => answer.Contains(a, StringComparison.OrdinalIgnoreCase))
            && !q.Wrong.Any(w => answer.Contains(w, StringComparison.OrdinalIgnoreCase));
    }

    static ChatMessage ToChat(MemoryRecord m) => new(m.Role == "assistant" ? ChatRole.Assistant : ChatRole.User, m.Text);

    static string Safe(string user) => string.Concat(user.Select(ch => char.IsLetterOrDigit(ch) ? ch : '_'));

    internal static string ModelIdOf(IEmbeddingGenerator<string, Embedding<float>> e) =>
        e.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId ?? e.GetType().Name;

    internal static int DimensionsOf(IEmbeddingGenerator<string, Embedding<float>> e) =>
        e.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions
        ?? throw new ArgumentException("the embedding generator does not report its dimensions (EmbeddingGeneratorMetadata)");
}
