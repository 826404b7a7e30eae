using System.Text;
using LlmLab.Inference;
using LlmLab.Tokenization;

namespace LlmLab.Server;

/// <summary>
/// The JSON objects of OpenAI's completion and chat-completion responses and stream chunks (API reference: "The chat
/// completion object", "The chat completion chunk object", "The completion object"), as anonymous objects for
/// System.Text.Json. Stateless and thread-safe.
/// </summary>
public static class OpenAiResponses
{
    /// <summary>OpenAI's <c>finish_reason</c> string.</summary>
    public static string FinishReasonText(FinishReason f) => f == FinishReason.Length ? "length" : "stop";

    public static object Usage(int prompt, int completion) => new { prompt_tokens = prompt, completion_tokens = completion, total_tokens = prompt + completion };

    /// <summary>A whole (non-streamed) response: one choice per result.</summary>
    public static object Whole(OpenAiRequest req, string id, long created, string model, IReadOnlyList<GenerationResult> results, ITokenizer tok)
    {
        var usage = Usage(req.Prompt.Count, results.Sum(r => r.Tokens.Count));
        if (req.Chat)
            return new
            {
                id, @object = "chat.completion", created, model,
                choices = results.Select((r, i) => (r, i, reply: ToolReplies.Message(req.Tools, r))).Select(x => new
                {
                    index = x.i,
                    message = x.reply.Message,
                    logprobs = x.r.Logprobs is null ? null : ChatLogprobs(x.r.Logprobs, tok),
                    finish_reason = x.reply.Finish,
                }).ToArray(),
                usage,
            };
        return new
        {
            id, @object = "text_completion", created, model,
            choices = results.Select((r, i) => new
            {
                text = req.Echo + r.Text, index = i,
                logprobs = r.Logprobs is null ? null : CompletionLogprobs(r.Logprobs, tok, req.TopLogprobs),
                finish_reason = FinishReasonText(r.Finish),
            }).ToArray(),
            usage,
        };
    }

    /// <summary>One streamed chunk of choice <paramref name="index"/>: its text (or the chat's opening role), its
    /// log-probabilities, its finish reason.</summary>
    public static object Chunk(OpenAiRequest req, string id, long created, string model, int index, string? text, IReadOnlyList<TokenLogprob> logprobs,
        FinishReason? finish, ITokenizer tok, bool role = false)
    {
        string? reason = finish is { } f ? FinishReasonText(f) : null;
        bool lp = req.Params.Logprobs && logprobs.Count > 0;
        if (req.Chat)
        {
            object delta = role ? new { role = "assistant", content = "" } : text is null ? new { } : new { content = text };
            return new
            {
                id, @object = "chat.completion.chunk", created, model,
                choices = new[] { new { index, delta, logprobs = lp ? ChatLogprobs(logprobs, tok) : null, finish_reason = reason } },
                usage = (object?)null,
            };
        }
        return new
        {
            id, @object = "text_completion", created, model,
            choices = new[] { new { text = text ?? "", index, logprobs = lp ? CompletionLogprobs(logprobs, tok, req.TopLogprobs) : null, finish_reason = reason } },
            usage = (object?)null,
        };
    }

    /// <summary>A chat chunk of choice <paramref name="index"/> with any <paramref name="delta"/> (tool-call deltas:
    /// <see cref="ToolCallStream"/>) and an optional finish reason.</summary>
    internal static object ChatChunk(string id, long created, string model, int index, object delta, string? finish) => new
    {
        id, @object = "chat.completion.chunk", created, model,
        choices = new[] { new { index, delta, logprobs = (object?)null, finish_reason = finish } },
        usage = (object?)null,
    };

    /// <summary>The last chunk when <c>stream_options.include_usage</c> is set: no choices, the usage.</summary>
    public static object UsageChunk(OpenAiRequest req, string id, long created, string model, int completionTokens) => new
    {
        id, @object = req.Chat ? "chat.completion.chunk" : "text_completion", created, model,
        choices = Array.Empty<object>(),
        usage = Usage(req.Prompt.Count, completionTokens),
    };

    static object ChatLogprobs(IReadOnlyList<TokenLogprob> lps, ITokenizer tok) => new
    {
        content = lps.Select(l => new
        {
            token = Text(tok, l.Token), logprob = l.Logprob, bytes = Bytes(tok, l.Token),
            top_logprobs = l.Top.Select(t => new { token = Text(tok, t.Token), logprob = t.Logprob, bytes = Bytes(tok, t.Token) }).ToArray(),
        }).ToArray(),
    };

    static object CompletionLogprobs(IReadOnlyList<TokenLogprob> lps, ITokenizer tok, int top)
    {
        var offsets = new int[lps.Count];
        for (int i = 1; i < lps.Count; i++) offsets[i] = offsets[i - 1] + Text(tok, lps[i - 1].Token).Length;
        return new
        {
            tokens = lps.Select(l => Text(tok, l.Token)).ToArray(),
            token_logprobs = lps.Select(l => l.Logprob).ToArray(),
            top_logprobs = top == 0 ? null : lps.Select(l => l.Top.GroupBy(t => Text(tok, t.Token)).ToDictionary(g => g.Key, g => g.First().Logprob)).ToArray(),
            text_offset = offsets,
        };
    }

    static string Text(ITokenizer tok, int id) => tok.Decode([id]);

    /// <summary>The token's own bytes: for a byte-level BPE token that is part of a character, its raw bytes (what the
    /// field exists for: a client joins them before decoding), not the UTF-8 of the U+FFFD its text shows.</summary>
    internal static int[] Bytes(ITokenizer tok, int id) =>
        (tok is BpeTokenizer bpe ? bpe.TokenBytes(id) : Encoding.UTF8.GetBytes(Text(tok, id))).Select(b => (int)b).ToArray();
}
