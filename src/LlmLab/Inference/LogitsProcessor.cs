using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Inference;

/// <summary>
/// Turns one position's logits into the distribution a token is drawn from, by <see cref="SamplingParams"/>, in vLLM's
/// order: (1) repetition penalty, (2) temperature, (3) top-k, (4) top-p, (5) min-p. Excluded tokens get −∞, so
/// softmax gives them probability 0. Works on a (V) tensor of any float dtype on any device; returns a new float32
/// tensor the caller owns. Stateless and thread-safe.
/// </summary>
public static class LogitsProcessor
{
    /// <param name="logits">(V) raw logits of the next token.</param>
    /// <param name="p">The request's parameters (validated by the caller).</param>
    /// <param name="seen">Ids in the prompt and the output so far (for the repetition penalty); may repeat.</param>
    public static Tensor Process(Tensor logits, SamplingParams p, IEnumerable<int>? seen = null)
    {
        if (logits.dim() != 1) throw new ArgumentException($"logits must be one position's (V) vector; got {logits.dim()} dimensions", nameof(logits));
        using var scope = NewDisposeScope();
        var x = logits.to(ScalarType.Float32).clone();                                      // (V)
        long v = x.shape[0];
        if (p.RepetitionPenalty != 1 && seen is not null)                                    // 1. CTRL, Keskar et al. 2019 §4.1
        {
            long[] ids = seen.Distinct().Select(i => (long)i).Where(i => i >= 0 && i < v).ToArray();
            if (ids.Length > 0)
            {
                var idx = tensor(ids, device: x.device);
                var g = x.index_select(0, idx);
                x.index_copy_(0, idx, where(g > 0, g / p.RepetitionPenalty, g * p.RepetitionPenalty));
            }
        }
        if (p.IsGreedy) return x.MoveToOuterDisposeScope();                                  // argmax needs no more
        x = x / p.Temperature;                                                               // 2.
        if (p.TopK is { } k && k < v)                                                        // 3. ties at the k-th value stay in
        {
            var kth = x.topk(k).values[k - 1];
            x = x.masked_fill(x < kth, double.NegativeInfinity);
        }
        if (p.TopP < 1)                                                                      // 4. Holtzman et al. 2020
        {
            var (sorted, order) = x.sort(descending: true);
            var probs = sorted.softmax(0);
            var before = probs.cumsum(0) - probs;            // mass of the more likely tokens: keep while it is below p
            var drop = before >= p.TopP;                     // the most likely token always stays (before = 0 < p)
            x = x.index_fill(0, order.masked_select(drop), double.NegativeInfinity);
        }
        if (p.MinP > 0)                                                                      // 5. Nguyen et al. 2024
        {
            var probs = x.softmax(0);
            x = x.masked_fill(probs < probs.max() * p.MinP, double.NegativeInfinity);
        }
        return x.MoveToOuterDisposeScope();
    }
}
