using System.Text;
using System.Text.Json;
using LlmLab.Retrieval.Search;
using Microsoft.Extensions.AI;

namespace LlmLab.Retrieval.Evaluation;

/// <summary>
/// Faithfulness judged by a chat model: RAGAS's "is this claim supported by the context" (Es et al. 2023) asked of any
/// <see cref="IChatClient"/>, one call per answer sentence, showing the judge only the chunks that sentence cites (so a
/// true claim with a wrong citation fails, as with <see cref="FaithfulnessChecker"/>). Steps: (1) cut the answer into
/// sentences with their citations (<see cref="FaithfulnessChecker.Claims"/>, one home for the rule); (2) a sentence that
/// cites no given chunk is <see cref="JudgeVerdict.Uncited"/>, unsupported, without a call; (3) otherwise ask the judge,
/// temperature 0, for exactly <c>{"verdict": "supported"}</c> or <c>{"verdict": "not_supported"}</c>; (4) read the reply with
/// <see cref="Parse"/>, which accepts nothing else — a reply it cannot read is <see cref="JudgeVerdict.Unparseable"/> and a
/// call that throws is <see cref="JudgeVerdict.Failed"/>, both counted and neither ever taken for support.
/// </summary>
/// <remarks>
/// Each sentence also carries its lexical token recall (the same claims through <see cref="FaithfulnessChecker"/>), so a
/// report can set the judge beside the proxy. The judge is only as good as its model: a small local checkpoint mostly
/// yields unparseable or failed verdicts, which is what the counts are for. After <see cref="MaxConsecutiveFailures"/>
/// failed calls in a row (an endpoint that is down, each call spending the client's retries) the remaining sentences are
/// not sent and count as failed, saying so. Calls are sequential; thread-safe when the client is.
/// </remarks>
public sealed class ChatFaithfulnessJudge(IChatClient judge) : IFaithfulnessChecker
{
    /// <summary>The instruction the judge is given (the system message).</summary>
    public const string Instruction =
        "You are a strict fact checker. You are given numbered source passages and one claim taken from an answer that " +
        "cited them. Decide whether the passages, taken together, state or directly imply everything the claim says. A " +
        "detail the passages do not give (a number, a name, a negation, a cause) makes the claim not supported; your own " +
        "knowledge does not count. Reply with exactly one JSON object and nothing else: {\"verdict\": \"supported\"} or " +
        "{\"verdict\": \"not_supported\"}.";

    static readonly FaithfulnessChecker Lexical = new();

    /// <summary>Reply budget: the JSON verdict is about ten tokens; 64 leaves room for a tokenizer that splits it finely
    /// without paying for a long digression (which would be unparseable anyway).</summary>
    public int MaxOutputTokens { get; init; } = 64;

    /// <summary>Failed calls in a row after which this judge stops calling (every later sentence: failed, not sent). 5: a
    /// passing network error does not end an evaluation; a dead endpoint stops costing retries within a few answers.</summary>
    public int MaxConsecutiveFailures { get; init; } = 5;

    int _failuresInARow;
    string? _lastError;

    /// <inheritdoc />
    public async Task<Faithfulness> CheckAsync(string answer, IReadOnlyList<RetrievedChunk> chunks,
        CancellationToken cancellationToken = default)
    {
        var lexical = await Lexical.CheckAsync(answer, chunks, cancellationToken).ConfigureAwait(false);
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = MaxOutputTokens };
        var result = new List<SentenceSupport>(lexical.Sentences.Count);
        foreach (var s in lexical.Sentences)
        {
            if (s.Cited.Count == 0)
            {
                result.Add(s with { Supported = false, Verdict = JudgeVerdict.Uncited });
                continue;
            }
            var (verdict, note) = await AskAsync(Prompt(s.Sentence, s.Cited, chunks), options, cancellationToken).ConfigureAwait(false);
            result.Add(s with { Supported = verdict == JudgeVerdict.Supported, Verdict = verdict, JudgeNote = note });
        }
        return new Faithfulness(result);
    }

    /// <summary>The messages for one sentence: the instruction, then the cited chunks under their answer numbers and the
    /// claim.</summary>
    public static List<ChatMessage> Prompt(string sentence, IReadOnlyList<int> cited, IReadOnlyList<RetrievedChunk> chunks)
    {
        var user = new StringBuilder();
        foreach (int n in cited)
        {
            var c = chunks[n - 1].Chunk.Chunk;
            user.Append('[').Append(n).Append("] (").Append(c.Title).Append(")\n").Append(c.Text.Trim()).Append("\n\n");
        }
        user.Append("Claim: ").Append(sentence.Trim());
        return [new ChatMessage(ChatRole.System, Instruction), new ChatMessage(ChatRole.User, user.ToString())];
    }

    /// <summary>
    /// Reads a verdict, strictly: the whole reply (whitespace trimmed, optionally inside one Markdown code fence) must be a
    /// JSON object whose only property is <c>"verdict"</c>, a string, or a bare word; the word (case ignored, one final
    /// period allowed) must be <c>supported</c>, or <c>not_supported</c> / <c>unsupported</c>. Anything else — prose around
    /// the verdict, "supported, mostly", an extra property — is <see cref="JudgeVerdict.Unparseable"/>.
    /// </summary>
    public static JudgeVerdict Parse(string? reply)
    {
        string t = (reply ?? "").Trim();
        if (t.StartsWith("```", StringComparison.Ordinal))
        {
            int open = t.IndexOf('\n');
            if (open < 0 || !t.EndsWith("```", StringComparison.Ordinal) || t.Length - 3 <= open) return JudgeVerdict.Unparseable;
            t = t[(open + 1)..^3].Trim();
        }
        if (!t.StartsWith('{')) return Word(t);
        try
        {
            using var doc = JsonDocument.Parse(t);
            var props = doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.EnumerateObject().ToList()
                : new List<JsonProperty>();
            return props is [{ Name: "verdict", Value.ValueKind: JsonValueKind.String } p] ? Word(p.Value.GetString()!, json: true)
                : JudgeVerdict.Unparseable;
        }
        catch (JsonException)
        {
            return JudgeVerdict.Unparseable;
        }
    }

    static JudgeVerdict Word(string w, bool json = false)
    {
        if (!json && w.EndsWith('.')) w = w[..^1];
        return w.ToLowerInvariant() switch
        {
            "supported" => JudgeVerdict.Supported,
            "not_supported" or "unsupported" => JudgeVerdict.NotSupported,
            _ => JudgeVerdict.Unparseable,
        };
    }

    async Task<(JudgeVerdict Verdict, string? Note)> AskAsync(List<ChatMessage> prompt, ChatOptions options, CancellationToken ct)
    {
        int inARow = Volatile.Read(ref _failuresInARow);
        if (inARow >= MaxConsecutiveFailures)
            return (JudgeVerdict.Failed, OneLine($"not sent: the judge failed {inARow} calls in a row (last: {_lastError})"));
        string reply;
        try
        {
            reply = (await judge.GetResponseAsync(prompt, options, ct).ConfigureAwait(false)).Text;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // The judge is an outside service: whatever made this call fail (HTTP status, network, a prompt longer than a
            // local model's context) costs this verdict, is counted and kept in one line, and the evaluation goes on.
            string error = OneLine($"{e.GetType().Name}: {e.Message}");
            _lastError = error;
            Interlocked.Increment(ref _failuresInARow);
            return (JudgeVerdict.Failed, error);
        }
        Volatile.Write(ref _failuresInARow, 0);
        var verdict = Parse(reply);
        return (verdict, verdict == JudgeVerdict.Unparseable ? OneLine(reply) : null);
    }

    /// <summary><paramref name="text"/> on one line of at most 200 characters (for counts and reports).</summary>
    public static string OneLine(string text)
    {
        string line = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= 200 ? line : line[..199] + "…";
    }
}
