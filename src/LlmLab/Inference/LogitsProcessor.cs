using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Inference;

/// <summary>
/// Turns one position's logits into the distribution a token is drawn from, by <see cref="SamplingParams"/>, in vLLM's
/// order: (1) logit bias, (2) penalties (repetition, then presence and frequency), (3) temperature, (4) top-k,
/// (5) top-p, (6) min-p. Excluded tokens get −∞, so softmax gives them probability 0; the most likely token is never
/// excluded by top-p or min-p, whatever their value. Works on a (V) tensor of any float dtype on any device; returns a
/// new float32 tensor the caller owns. Stateless and thread-safe.
/// </summary>
public static class LogitsProcessor
{
    /// <param name="logits">(V) raw logits of the next token (−∞ where a grammar forbids a token).</param>
    /// <param name="p">The request's parameters (validated by the caller).</param>
    /// <param name="seen">Ids in the prompt and the output so far (for the repetition penalty); may repeat.</param>
    /// <param name="output">Ids generated so far (for the presence and frequency penalties, which OpenAI and vLLM apply
    /// to the output only).</param>
    public static Tensor Process(Tensor logits, SamplingParams p, IEnumerable<int>? seen = null, IReadOnlyList<int>? output = null)
    {
        if (logits.dim() != 1) throw new ArgumentException($"logits must be one position's (V) vector; got {logits.dim()} dimensions", nameof(logits));
        using var scope = NewDisposeScope();
        var x = logits.to(ScalarType.Float32).clone();                                      // (V)
        long v = x.shape[0];
        if (p.LogitBias is { Count: > 0 } bias)                                              // 1. OpenAI's logit_bias
        {
            var entries = bias.Where(kv => kv.Key < v).ToArray();
            if (entries.Length > 0)
                x.index_add_(0, tensor(entries.Select(kv => (long)kv.Key).ToArray(), device: x.device),
                    tensor(entries.Select(kv => (float)kv.Value).ToArray(), device: x.device), 1.0);
        }
        if (p.RepetitionPenalty != 1 && seen is not null)                                    // 2a. CTRL, Keskar et al. 2019 §4.1
        {
            long[] ids = seen.Distinct().Select(i => (long)i).Where(i => i >= 0 && i < v).ToArray();
            if (ids.Length > 0)
            {
                var idx = tensor(ids, device: x.device);
                var g = x.index_select(0, idx);
                x.index_copy_(0, idx, where(g > 0, g / p.RepetitionPenalty, g * p.RepetitionPenalty));
            }
        }
        if ((p.PresencePenalty != 0 || p.FrequencyPenalty != 0) && output is { Count: > 0 })  // 2b. OpenAI's formula:
        {                                                                                    // l[j] -= c[j]·α_freq + (c[j] > 0)·α_pres
            var counts = output.Where(i => i >= 0 && i < v).GroupBy(i => i).ToArray();
            if (counts.Length > 0)
                x.index_add_(0, tensor(counts.Select(g => (long)g.Key).ToArray(), device: x.device),
                    tensor(counts.Select(g => (float)-(g.Count() * p.FrequencyPenalty + p.PresencePenalty)).ToArray(), device: x.device), 1.0);
        }
        if (p.IsGreedy) return x.MoveToOuterDisposeScope();                                  // argmax needs no more
        x = x / p.Temperature;                                                               // 3.
        if (p.TopK is { } k && k < v)                                                        // 4. ties at the k-th value stay in
        {
            var kth = x.topk(k).values[k - 1];
            x = x.masked_fill(x < kth, double.NegativeInfinity);
        }
        if (p.TopP < 1)                                                                      // 5. Holtzman et al. 2020
        {
            var (sorted, order) = x.sort(descending: true);
            var probs = sorted.softmax(0);
            var before = probs.cumsum(0) - probs;            // mass of the more likely tokens: keep while it is below p
            // The most likely token has before = 0 exactly and always stays: a top_p that rounds to 0 in float32
            // (1e-46) would otherwise mask every token, and a draw from nothing returns id 0.
            var drop = (before >= p.TopP).logical_and(before > 0);
            x = x.index_fill(0, order.masked_select(drop), double.NegativeInfinity);
        }
        if (p.MinP > 0)                                                                      // 6. Nguyen et al. 2024
        {
            var probs = x.softmax(0);
            var max = probs.max();
            x = x.masked_fill((probs < max * p.MinP).logical_and(probs < max), double.NegativeInfinity);
        }
        return x.MoveToOuterDisposeScope();
    }
}
