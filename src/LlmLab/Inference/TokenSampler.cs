using static TorchSharp.torch;

namespace LlmLab.Inference;

/// <summary>
/// Picks a token from processed logits (<see cref="LogitsProcessor"/>): the argmax when greedy, else a draw from their
/// softmax by inverse CDF with the request's own <see cref="Random"/> (not libtorch's generator), so a seeded request
/// gives the same tokens whatever batch it runs in. Stateless and thread-safe (the Random is the caller's).
/// </summary>
public static class TokenSampler
{
    /// <param name="processed">(V) logits after processing; −∞ marks excluded tokens.</param>
    /// <param name="greedy">Take the argmax (lowest id on ties).</param>
    /// <param name="rng">The request's stream; one <see cref="Random.NextDouble"/> per draw.</param>
    public static int Pick(Tensor processed, bool greedy, Random rng)
    {
        using var scope = NewDisposeScope();
        if (greedy) return (int)processed.argmax().item<long>();
        var probs = processed.softmax(0).to(ScalarType.Float64).cpu().data<double>().ToArray();
        return Draw(probs, rng.NextDouble());
    }

    /// <summary>The smallest i whose cumulative probability exceeds u·Σp (u in [0, 1)); zero-probability tokens are never drawn.</summary>
    public static int Draw(ReadOnlySpan<double> probs, double u) => Runtime.Categorical.Draw(probs, u);
}
