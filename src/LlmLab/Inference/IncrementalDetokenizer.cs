using LlmLab.Tokenization;

namespace LlmLab.Inference;

/// <summary>
/// Turns a stream of token ids into a stream of text without ever emitting half a character. A byte-level BPE token
/// can end inside a UTF-8 sequence (an emoji is often 2–4 tokens); decoding it alone gives U+FFFD. So the ids since the
/// last clean boundary are held and decoded together; once their text does not end in U+FFFD it is emitted and the
/// held ids are dropped (the next token then starts on a character boundary, so decoding chunk by chunk equals decoding
/// everything at once). Cost: each token is decoded with the few held before it. Not thread-safe (one per sequence).
/// </summary>
public sealed class IncrementalDetokenizer(ITokenizer tokenizer)
{
    readonly List<int> _held = [];

    /// <summary>Tokens held back because they end inside a character.</summary>
    public int Held => _held.Count;

    /// <summary>Adds one token; returns the text it completes ("" while a character is still incomplete).</summary>
    public string Push(int id)
    {
        _held.Add(id);
        string text = tokenizer.Decode(_held.ToArray());
        // A held run longer than a UTF-8 sequence (4 bytes) cannot complete any more: emit it as is.
        if (text.EndsWith('\uFFFD') && _held.Count < 4) return "";
        _held.Clear();
        return text;
    }

    /// <summary>Whatever is still held, decoded as is (at the end of a generation).</summary>
    public string Flush()
    {
        if (_held.Count == 0) return "";
        string text = tokenizer.Decode(_held.ToArray());
        _held.Clear();
        return text;
    }
}
