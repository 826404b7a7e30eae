using static TorchSharp.torch;

namespace LlmLab.Nn.Recurrent;

/// <summary>
/// Draws text from a <see cref="RecurrentLanguageModel"/> one token at a time: read the prompt, then repeatedly
/// turn the last logits into probabilities softmax(logits / temperature), draw the next token, and feed it back with
/// the carried state. The draws come from a <see cref="Random"/> seeded by the caller (not libtorch's global generator),
/// so the same model, prompt, temperature and seed give the same tokens, whatever else the process has drawn.
/// </summary>
public static class RecurrentSampler
{
    /// <summary>
    /// <paramref name="count"/> tokens following <paramref name="prompt"/> (at least one token). Temperature &lt; 1
    /// sharpens the distribution (more likely, more repetitive text), &gt; 1 flattens it. The model runs in evaluation
    /// mode without gradients and is returned to the mode it was in.
    /// </summary>
    /// <exception cref="ArgumentException">An empty prompt, a negative count, or a temperature that is not &gt; 0.</exception>
    public static int[] Sample(RecurrentLanguageModel model, ReadOnlySpan<int> prompt, int count, double temperature, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (prompt.Length == 0) throw new ArgumentException("the prompt needs at least one token to start from", nameof(prompt));
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), $"count must be >= 0 (got {count})");
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), $"temperature must be a finite number > 0 (got {temperature})");
        var rng = new Random(seed);
        var output = new int[count];
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var input = tensor(prompt.ToArray().Select(t => (long)t).ToArray(), [1, prompt.Length]); // (1, P)
            RecurrentState? state = null;
            for (int i = 0; i < count; i++)
            {
                using var step = NewDisposeScope();
                var (logits, next) = model.Forward(input, state);                // (1, t, V)
                var probs = (logits[0, -1].to(float64) / temperature).softmax(0); // (V)
                output[i] = Draw(probs.data<double>().ToArray(), rng);
                state?.Dispose();
                input.Dispose();
                state = next.MoveToOuterDisposeScope();
                input = tensor(new long[] { output[i] }, [1, 1]).MoveToOuterDisposeScope();
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        return output;
    }

    /// <summary>Inverse-CDF draw: the first index whose cumulative probability exceeds u ~ U[0, 1).</summary>
    internal static int Draw(double[] probs, Random rng) => Runtime.Categorical.Draw(probs, rng.NextDouble());
}
