using System.Diagnostics;
using LlmLab.Nn.Gpt;
using static TorchSharp.torch;

namespace LlmLab.Inference.Speculative;

/// <summary>
/// Speculative decoding (Leviathan et al. 2023; Chen et al. 2023): a small draft model proposes γ tokens one by one, the
/// target model scores all of them in one forward, and <see cref="SpeculativeRule"/> keeps a prefix of them plus one
/// token of its own — so each target call yields between 1 and γ + 1 tokens with the target's exact output
/// distribution. It pays off when a target forward over γ + 1 tokens costs about as much as over one (decoding is
/// bound by reading the weights, not by arithmetic) and the draft is much cheaper than the target.
/// Each iteration: (1) the draft reads the tokens it has not seen and proposes x₁…x_γ from its processed distributions
/// q; (2) the target reads [last token, x₁…x_γ] in one forward, giving p₁…p_{γ+1}; (3) verify; (4) both KV caches are
/// cut back to the accepted tokens (the rejected drafts' keys are dropped). Sampling uses the request's
/// <see cref="SamplingParams"/> (temperature, top-k, top-p, min-p, repetition penalty) on both models; max_tokens and
/// stop tokens end the generation (stop strings are the engine's business, not this lab's).
/// The models are not owned; not thread-safe.
/// </summary>
public sealed class SpeculativeDecoder
{
    /// <exception cref="InputException">The models' vocabularies differ (the draft must propose the target's ids).</exception>
    public SpeculativeDecoder(GptModel target, GptModel draft)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(draft);
        if (target.Config.VocabSize != draft.Config.VocabSize)
            throw new InputException($"the draft model's vocab_size ({draft.Config.VocabSize:N0}) differs from the target's ({target.Config.VocabSize:N0}): " +
                "speculative decoding needs both models on the same tokenizer");
        (Target, Draft) = (target, draft);
    }

    public GptModel Target { get; }
    public GptModel Draft { get; }

    /// <summary>The shorter of the two contexts: the generation ends there.</summary>
    public int Context => Math.Min(Target.Config.Context, Draft.Config.Context);

    /// <summary>Generates up to <see cref="SamplingParams.MaxTokens"/> tokens after <paramref name="prompt"/> with
    /// <paramref name="gamma"/> draft tokens per target call (γ = 0: the target alone, one token per call).</summary>
    /// <exception cref="InputException">Invalid parameters, an empty prompt, or one that fills the context.</exception>
    public SpeculativeResult Generate(IReadOnlyList<int> prompt, SamplingParams p, int gamma, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(p);
        p.Validate();
        if (gamma is < 0 or > 32) throw new InputException($"gamma (draft tokens per step) must be in 0..32 (got {gamma})");
        if (prompt.Count == 0 || prompt.Count >= Context)
            throw new InputException($"the prompt must have 1..{Context - 1} tokens (the context is {Context}); got {prompt.Count}");
        var start = Stopwatch.GetTimestamp();
        var rng = SeededRandom.Create(p.Seed ?? seed);
        var stops = new HashSet<int>(p.StopTokens ?? []);
        var seq = prompt.ToList();
        var output = new List<int>();
        int targetCalls = 0, draftCalls = 0, proposed = 0, accepted = 0, rejected = 0;
        bool wasTarget = Target.training, wasDraft = Draft.training;
        Target.eval();
        Draft.eval();
        try
        {
            using var noGrad = no_grad();
            using var tcache = ContiguousKvCache.For(Target.Config);
            using var dcache = ContiguousKvCache.For(Draft.Config);
            if (seq.Count > 1)                                                       // prefill: all but the last token
            {
                using var scope = NewDisposeScope();
                var head = Ids(seq, 0, seq.Count - 1);
                Target.Forward(head, tcache);
                Draft.Forward(head, dcache);
            }
            bool done = false;
            while (!done && output.Count < p.MaxTokens && seq.Count < Context)
            {
                using var scope = NewDisposeScope();
                int g = Math.Min(gamma, Math.Min(p.MaxTokens - output.Count - 1, Context - seq.Count - 1));
                g = Math.Max(0, g);
                var drafts = new List<int>(g);
                var q = new List<double[]>(g);
                for (int i = 0; i < g; i++)                                           // 1. draft
                {
                    var feed = i == 0 ? Ids(seq, dcache.Length, seq.Count - dcache.Length) : Ids(drafts, i - 1, 1);
                    var qi = Distribution(Draft.Forward(feed, dcache)[0, -1], p, seq.Concat(drafts));
                    draftCalls++;
                    int x = p.IsGreedy ? SpeculativeRule.ArgMax(qi) : TokenSampler.Draw(qi, rng.NextDouble());
                    drafts.Add(x);
                    q.Add(qi);
                }
                var input = Ids(seq.Skip(tcache.Length).Concat(drafts).ToList(), 0, seq.Count - tcache.Length + g);
                var logits = Target.Forward(input, tcache)[0];                        // 2. (1 + γ, V) … the last γ + 1 rows
                targetCalls++;
                long rows = logits.shape[0];
                var ps = new List<double[]>(g + 1);
                for (int i = 0; i <= g; i++) ps.Add(Distribution(logits[rows - 1 - g + i], p, seq.Concat(drafts.Take(i))));
                var (n, next) = SpeculativeRule.Verify(drafts, q, ps, p.IsGreedy, rng); // 3.
                proposed += g;
                accepted += n;
                if (n < g) rejected++;
                foreach (int t in drafts.Take(n).Append(next))
                {
                    seq.Add(t);
                    output.Add(t);
                    if (stops.Contains(t) || output.Count >= p.MaxTokens) { done = true; break; }
                }
                tcache.Truncate(Math.Min(tcache.Length, seq.Count - 1));              // 4. keep the keys of accepted tokens
                dcache.Truncate(Math.Min(dcache.Length, seq.Count - 1));
            }
        }
        finally
        {
            Target.train(wasTarget);
            Draft.train(wasDraft);
        }
        return new SpeculativeResult(output, gamma, targetCalls, draftCalls, proposed, accepted, rejected, Stopwatch.GetElapsedTime(start));
    }

    /// <summary>The processed next-token distribution (softmax of <see cref="LogitsProcessor"/>'s output) as probabilities;
    /// greedy keeps the raw logits' argmax as a one-hot vector.</summary>
    static double[] Distribution(Tensor logits, SamplingParams p, IEnumerable<int> seen)
    {
        using var scope = NewDisposeScope();
        var processed = LogitsProcessor.Process(logits, p, p.RepetitionPenalty != 1 ? seen : null);
        if (p.IsGreedy)
        {
            var onehot = new double[processed.shape[0]];
            onehot[(int)processed.argmax().item<long>()] = 1;
            return onehot;
        }
        return processed.softmax(0).to(ScalarType.Float64).data<double>().ToArray();
    }

    static Tensor Ids(IReadOnlyList<int> tokens, int start, int count) =>
        tensor(Enumerable.Range(start, count).Select(i => (long)tokens[i]).ToArray(), [1, count]);
}
