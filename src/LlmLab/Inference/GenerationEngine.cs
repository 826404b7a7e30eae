using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using LlmLab.Nn.Gpt;
using LlmLab.Tokenization;
using static TorchSharp.torch;

namespace LlmLab.Inference;

/// <summary>
/// Generates text from a <see cref="GptModel"/>: prefill of the prompt into a KV cache, then one token's forward per
/// step, each step's logits handed to the request's <see cref="SequenceDecoder"/> (sampling, stop rules, text).
/// Requests run one at a time (the model is not thread-safe; the engine serialises callers); <see cref="GenerateBatch"/>
/// decodes several sequences in one forward per step. The model is put in evaluation mode and used without gradients;
/// the engine does not own it. Thread-safe.
/// </summary>
public sealed partial class GenerationEngine
{
    readonly SemaphoreSlim _gate = new(1, 1);
    readonly Random _seeds;

    /// <param name="model">The model (not owned).</param>
    /// <param name="tokenizer">Its tokenizer: must have the model's vocabulary size or less.</param>
    /// <param name="overflow">What to do with a prompt that leaves no room in the context.</param>
    /// <param name="seed">Seeds requests that bring no seed of their own.</param>
    /// <exception cref="InputException">The tokenizer has more ids than the model.</exception>
    public GenerationEngine(GptModel model, ITokenizer tokenizer, PromptOverflow overflow = PromptOverflow.Error, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (tokenizer.VocabSize > model.Config.VocabSize)
            throw new InputException($"the tokenizer has {tokenizer.VocabSize:N0} ids but the model's vocab_size is {model.Config.VocabSize:N0}: use the tokenizer the model was trained with");
        (Model, Tokenizer, Overflow) = (model, tokenizer, overflow);
        _seeds = new Random(seed);
    }

    public GptModel Model { get; }
    public ITokenizer Tokenizer { get; }
    public PromptOverflow Overflow { get; }

    /// <summary>The model's context, n_positions.</summary>
    public int Context => Model.Config.Context;

    /// <summary>The prompt's ids as they will run: checked against the context, truncated if the policy says so.</summary>
    /// <exception cref="InputException">An empty prompt, or one too long under <see cref="PromptOverflow.Error"/>.</exception>
    public IReadOnlyList<int> FitPrompt(IReadOnlyList<int> prompt, SamplingParams p)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Count == 0) throw new InputException("the prompt is empty: give at least one token of text to continue");
        if (prompt.Count < Context) return prompt;
        if (Overflow == PromptOverflow.Error)
            throw new InputException($"the prompt has {prompt.Count:N0} tokens and the model's context is {Context:N0} (n_positions): " +
                "shorten the prompt, or let the engine keep its last tokens (PromptOverflow.TruncateLeft)");
        int keep = Math.Max(1, Context - Math.Max(1, p.MaxTokens));
        return prompt.Skip(prompt.Count - keep).ToArray();
    }

    /// <summary>Generates a whole completion of <paramref name="prompt"/>.</summary>
    /// <exception cref="InputException">Invalid parameters or prompt.</exception>
    public GenerationResult Generate(string prompt, SamplingParams p, CancellationToken cancellationToken = default) =>
        Generate(Tokenizer.Encode(prompt), p, cancellationToken);

    /// <inheritdoc cref="Generate(string, SamplingParams, CancellationToken)"/>
    public GenerationResult Generate(IReadOnlyList<int> prompt, SamplingParams p, CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        TimeSpan? first = null;
        SequenceDecoder? seq = null;
        foreach (var (chunk, decoder) in Run(prompt, p, cancellationToken))
        {
            seq = decoder;
            if (chunk.Token is not null) first ??= Stopwatch.GetElapsedTime(start);
        }
        return Result(seq!, first, Stopwatch.GetElapsedTime(start));
    }

    /// <summary>
    /// Streams a completion chunk by chunk as tokens are produced. The model runs on a worker thread; cancelling the
    /// token (or disposing the enumerator) stops the generation at the next step and frees the engine.
    /// </summary>
    public IAsyncEnumerable<GenerationChunk> StreamAsync(string prompt, SamplingParams p, CancellationToken cancellationToken = default) =>
        StreamAsync(Tokenizer.Encode(prompt), p, cancellationToken);

    /// <inheritdoc cref="StreamAsync(string, SamplingParams, CancellationToken)"/>
    public async IAsyncEnumerable<GenerationChunk> StreamAsync(IReadOnlyList<int> ids, SamplingParams p,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        p.Validate();
        FitPrompt(ids, p); // bad input is reported to the caller before anything runs
        var channel = Channel.CreateUnbounded<GenerationChunk>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var worker = Task.Run(() =>
        {
            try
            {
                foreach (var (chunk, _) in Run(ids, p, stop.Token)) channel.Writer.TryWrite(chunk);
                channel.Writer.TryComplete();
            }
            catch (Exception e) { channel.Writer.TryComplete(e); }
        }, CancellationToken.None);
        try
        {
            await foreach (var chunk in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                cancellationToken.ThrowIfCancellationRequested(); // chunks already queued are not delivered after a cancel
                yield return chunk;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try { await worker.ConfigureAwait(false); } catch (OperationCanceledException) { }
        }
    }

    /// <summary>Prefill + decode of one sequence, yielding each step's chunk with its decoder.</summary>
    IEnumerable<(GenerationChunk Chunk, SequenceDecoder Decoder)> Run(IReadOnlyList<int> prompt, SamplingParams p, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(p);
        p.Validate();
        var ids = FitPrompt(prompt, p);
        var seq = new SequenceDecoder(Tokenizer, ids, p, Context, p.Seed ?? NextSeed());
        _gate.Wait(ct);
        bool wasTraining = Model.training;
        Model.eval();
        try
        {
            if (seq.Finish is not null) { yield return (new GenerationChunk("", null, null, seq.Finish), seq); yield break; }
            using var noGrad = no_grad();
            using var cache = ContiguousKvCache.For(Model.Config);
            Tensor? next = tensor(ids.Select(t => (long)t).ToArray(), [1, ids.Count]);       // (1, T) the prompt first
            while (seq.Finish is null)
            {
                if (ct.IsCancellationRequested)
                {
                    yield return (new GenerationChunk(seq.Cancel(), null, null, FinishReason.Cancelled), seq);
                    yield break;
                }
                GenerationChunk chunk;
                using (var scope = NewDisposeScope())
                {
                    var logits = Model.Forward(next!, cache)[0, -1];                         // (V) the last position's
                    next.Dispose();
                    chunk = seq.Step(logits);
                    next = tensor(new long[] { seq.Output[^1] }, [1, 1]).DetachFromDisposeScope(); // (1, 1)
                }
                yield return (chunk, seq);
            }
            next?.Dispose();
        }
        finally
        {
            Model.train(wasTraining);
            _gate.Release();
        }
    }

    int NextSeed()
    {
        lock (_seeds) return _seeds.Next();
    }

    static GenerationResult Result(SequenceDecoder seq, TimeSpan? first, TimeSpan elapsed) =>
        new(seq.Text, seq.Output.ToArray(), seq.Finish ?? FinishReason.Length, seq.Prompt.Count, seq.Logprobs?.ToArray(), first ?? elapsed, elapsed);
}
