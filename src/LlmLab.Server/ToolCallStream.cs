using System.Text;
using LlmLab.Inference;
using LlmLab.Tokenization;

namespace LlmLab.Server;

/// <summary>
/// Streams a tools request's choices as OpenAI does: a reply that opens as a call (the <c>&lt;|tool_call|&gt;</c> marker,
/// a bare <c>{</c>, or any reply under a forced tool_choice) is held until it ends, then sent as <c>delta.tool_calls</c>
/// chunks — per call one with <c>index</c>, <c>id</c>, <c>type</c> and <c>function.name</c> (arguments ""), then one with
/// the arguments text — and a last chunk with <c>finish_reason: "tool_calls"</c>. A call is only known to be well formed
/// once it is complete (lab 7.1's format has no partial-call grammar), which is why its arguments come in one piece; a
/// held reply that turns out not to be a call is sent as content. A reply that opens with text streams as it comes.
/// One per request; not thread-safe (the handler's loop is its only user).
/// </summary>
internal sealed class ToolCallStream(OpenAiRequest req, string id, long created, string model)
{
    enum State { Undecided, Calling, Text }

    readonly State[] _state = new State[req.N];
    readonly StringBuilder[] _held = [.. Enumerable.Range(0, req.N).Select(_ => new StringBuilder())];
    readonly ToolRequest _tools = req.Tools ?? throw new ArgumentException("the request has no tools", nameof(req));

    /// <summary>The chunks to send for choice <paramref name="index"/>'s next text (leading whitespace already trimmed)
    /// and, at its end, its finish reason.</summary>
    public List<object> Next(int index, string text, FinishReason? finish)
    {
        var chunks = new List<object>();
        if (_state[index] == State.Text) { if (text.Length > 0) chunks.Add(Content(index, text)); }
        else
        {
            _held[index].Append(text);
            string held = _held[index].ToString();
            if (_state[index] == State.Undecided && held.Length > 0)
            {
                if (_tools.IsForced || held[0] == '{' || held.StartsWith(ChatTokens.ToolCall, StringComparison.Ordinal))
                    _state[index] = State.Calling;
                else if (!(held.Length < ChatTokens.ToolCall.Length && ChatTokens.ToolCall.StartsWith(held, StringComparison.Ordinal)))
                {
                    _state[index] = State.Text;
                    chunks.Add(Content(index, held));
                    _held[index].Clear();
                }
            }
        }
        if (finish is not { } f) return chunks;
        string rest = _held[index].ToString();
        _held[index].Clear();
        if (_state[index] != State.Text && ToolReplies.Calls(_tools, rest) is { } calls)
        {
            for (int k = 0; k < calls.Count; k++)
            {
                chunks.Add(Delta(index, new { tool_calls = new[] { new { index = k, id = ToolReplies.NewId(), type = "function",
                    function = new { name = calls[k].Name, arguments = "" } } } }, null));
                var args = new { index = k, function = new { arguments = calls[k].Arguments.GetRawText() } };
                chunks.Add(Delta(index, new { tool_calls = new[] { args } }, null));
            }
            chunks.Add(Delta(index, new { }, "tool_calls"));
            return chunks;
        }
        if (rest.Length > 0) chunks.Add(Content(index, rest));
        chunks.Add(Delta(index, new { }, OpenAiResponses.FinishReasonText(f)));
        return chunks;
    }

    object Content(int index, string text) => Delta(index, new { content = text }, null);

    object Delta(int index, object delta, string? finish) => OpenAiResponses.ChatChunk(id, created, model, index, delta, finish);
}
