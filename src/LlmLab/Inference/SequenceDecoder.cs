using LlmLab.Inference.Json;
using LlmLab.Tokenization;
using static TorchSharp.torch;

namespace LlmLab.Inference;

/// <summary>
/// The per-request half of decoding, independent of how the model is run (one sequence, a static batch, or a
/// continuous-batching scheduler): given the next-token logits of this sequence, (1) process them by the request's
/// <see cref="SamplingParams"/>, (2) pick a token with the request's own random stream, (3) record its log-probability
/// if asked, (4) turn it into text (whole characters only) and (5) decide whether the sequence is finished — a stop
/// token, a stop string (text cut before it, across token boundaries), max_tokens, or a full context. Under a JSON
/// constraint (<see cref="SamplingParams.Json"/>) tokens that cannot continue the value are masked before (1), and the
/// sequence stops when the value is complete.
/// Not thread-safe (one per sequence).
/// </summary>
public sealed class SequenceDecoder
{
    readonly SamplingParams _p;
    readonly Random _rng;
    readonly IncrementalDetokenizer _detok;
    readonly StopSequenceMatcher _stops;
    readonly HashSet<int> _stopTokens;
    readonly List<int> _output = [];
    readonly List<TokenLogprob>? _logprobs;
    readonly System.Text.StringBuilder _text = new();
    readonly int _context, _vocab;
    readonly JsonConstraint? _json;

    /// <param name="tokenizer">Decodes the chosen tokens.</param>
    /// <param name="prompt">The prompt as run (already fitted to the context).</param>
    /// <param name="p">Validated parameters.</param>
    /// <param name="context">The model's n_positions: the sequence ends when prompt + output fill it.</param>
    /// <param name="seed">Seeds the request's draws.</param>
    public SequenceDecoder(ITokenizer tokenizer, IReadOnlyList<int> prompt, SamplingParams p, int context, long seed)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(p);
        (Prompt, _p, _context) = (prompt, p, context);
        _rng = SeededRandom.Create(seed);
        _json = p.Json is { } schema ? new JsonConstraint(schema, tokenizer) : null;
        _vocab = tokenizer.VocabSize;
        _detok = new IncrementalDetokenizer(tokenizer);
        _stops = new StopSequenceMatcher(p.Stop);
        _stopTokens = [.. p.StopTokens ?? []];
        _logprobs = p.Logprobs ? [] : null;
        if (p.MaxTokens == 0 || prompt.Count >= context) Finish = FinishReason.Length; // nothing may be generated
    }

    public IReadOnlyList<int> Prompt { get; }

    /// <summary>The request's parameters.</summary>
    public SamplingParams Params => _p;

    /// <summary>Tokens chosen so far.</summary>
    public IReadOnlyList<int> Output => _output;

    /// <summary>The text emitted so far.</summary>
    public string Text => _text.ToString();

    /// <summary>Log-probabilities so far (null unless requested).</summary>
    public IReadOnlyList<TokenLogprob>? Logprobs => _logprobs;

    /// <summary>Set once the sequence is finished; <see cref="Step"/> may not be called after.</summary>
    public FinishReason? Finish { get; private set; }

    /// <summary>Prompt + output: the position of the next token.</summary>
    public int Length => Prompt.Count + _output.Count;

    /// <summary>Chooses the next token from <paramref name="logits"/> (V) and returns the step's chunk.</summary>
    /// <exception cref="InvalidOperationException">The sequence is already finished.</exception>
    public GenerationChunk Step(Tensor logits)
    {
        if (Finish is not null) throw new InvalidOperationException($"the sequence has finished ({Finish}); no more steps");
        using var scope = NewDisposeScope();
        // A model may have more ids than its tokenizer (a vocabulary padded to a multiple of 64, as nanoGPT's 50,304):
        // those ids have no text and are never chosen; probabilities are over the tokenizer's ids.
        if (logits.shape[0] > _vocab) logits = logits.narrow(0, 0, _vocab);
        var allowed = logits;
        if (_json is not null)
        {
            var mask = _json.Allowed();
            if (!mask.Contains(true)) return End(FinishReason.Length);                    // nothing in the vocabulary continues the value
            allowed = logits.masked_fill(tensor(mask, device: logits.device).logical_not(), double.NegativeInfinity);
        }
        var processed = LogitsProcessor.Process(allowed, _p, _p.RepetitionPenalty != 1 ? Prompt.Concat(_output) : null, _output); // 1.
        int token = TokenSampler.Pick(processed, _p.IsGreedy, _rng);                      // 2.
        _output.Add(token);
        _json?.Accept(token);
        TokenLogprob? lp = null;
        if (_logprobs is not null)                                                         // 3.
        {
            var logp = logits.to(ScalarType.Float64).log_softmax(0);
            var top = new List<(int, double)>();
            if (_p.TopLogprobs > 0)
            {
                var (values, ids) = logp.topk(Math.Min(_p.TopLogprobs, (int)logp.shape[0]));
                var vs = values.data<double>().ToArray();
                var ix = ids.data<long>().ToArray();
                for (int i = 0; i < vs.Length; i++) top.Add(((int)ix[i], vs[i]));
            }
            lp = new TokenLogprob(token, logp[token].item<double>(), top);
            _logprobs.Add(lp);
        }
        string emit;
        if (_stopTokens.Contains(token))                                                   // 5. a stop token adds no text
        {
            emit = _stops.Push(_detok.Flush()).Emit + _stops.Flush();
            Finish = FinishReason.Stop;
        }
        else
        {
            var (text, stopped) = _stops.Push(_detok.Push(token));                         // 4.
            emit = text;
            if (stopped) Finish = FinishReason.Stop;
            else if (_json is { IsComplete: true } || _output.Count >= _p.MaxTokens || Length >= _context)
            {
                var (rest, stoppedAtEnd) = _stops.Push(_detok.Flush());
                emit += rest + (stoppedAtEnd ? "" : _stops.Flush());
                Finish = stoppedAtEnd || _json is { IsComplete: true } ? FinishReason.Stop : FinishReason.Length;
            }
        }
        _text.Append(emit);
        return new GenerationChunk(emit, token, lp, Finish);
    }

    /// <summary>Ends the sequence with no token (held text flushed) and returns that step's chunk.</summary>
    GenerationChunk End(FinishReason reason)
    {
        string rest = _stops.Push(_detok.Flush()).Emit + _stops.Flush();
        _text.Append(rest);
        Finish = reason;
        return new GenerationChunk(rest, null, null, reason);
    }

    /// <summary>Ends the sequence early (the request was cancelled); returns the held text.</summary>
    public string Cancel()
    {
        if (Finish is not null) return "";
        Finish = FinishReason.Cancelled;
        string rest = _stops.Push(_detok.Flush()).Emit + _stops.Flush();
        _text.Append(rest);
        return rest;
    }
}
