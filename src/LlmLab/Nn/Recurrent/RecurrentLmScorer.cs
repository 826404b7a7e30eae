using static TorchSharp.torch;

namespace LlmLab.Nn.Recurrent;

/// <summary>The total loss of a model over a whole token sequence.</summary>
/// <param name="Nats">Σ −ln p(token | everything before it in its stream), over the scored tokens.</param>
/// <param name="Targets">Tokens scored: every token but the first.</param>
public sealed record TextScore(double Nats, long Targets)
{
    /// <summary>Mean nats per scored token.</summary>
    public double NatsPerToken => Targets > 0 ? Nats / Targets : double.NaN;

    /// <summary>Bits per byte given the UTF-8 bytes the scored tokens cover: the measure that is fair across
    /// tokenizations (a subword model predicts fewer, harder tokens for the same text).</summary>
    public double BitsPerByte(long bytes) => Nats / Math.Log(2) / bytes;
}

/// <summary>
/// Scores every token of a text with a <see cref="RecurrentLanguageModel"/>, the way a stateful model reads: the
/// pairs (token t, token t+1) are cut into <c>streams</c> contiguous segments read in parallel, <c>chunk</c> tokens at a
/// time, each chunk starting from the state the previous one left, so a token is predicted from everything before it
/// in its segment (not only from a window). Evaluation mode, no gradients; the model's mode is restored.
/// </summary>
public static class RecurrentLmScorer
{
    /// <summary>Scores tokens[1..] (the first token has nothing to be predicted from).</summary>
    /// <exception cref="ArgumentException">Fewer than 2 tokens, or streams or chunk below 1.</exception>
    public static TextScore Score(RecurrentLanguageModel model, ReadOnlySpan<int> tokens, int streams = 16, int chunk = 128)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (tokens.Length < 2) throw new ArgumentException($"scoring needs at least 2 tokens (got {tokens.Length})", nameof(tokens));
        if (streams < 1 || chunk < 1) throw new ArgumentException($"streams and chunk must be >= 1 (got {streams} and {chunk})");
        long pairs = tokens.Length - 1;
        int b = (int)Math.Min(streams, pairs);
        int s = (int)(pairs / b);                 // pairs per stream; the remainder is read as one more stream
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            double nats = Segments(model, tokens, 0, b, s, chunk);
            int rest = (int)(pairs - (long)b * s);
            if (rest > 0) nats += Segments(model, tokens, b * s, 1, rest, chunk);
            return new TextScore(nats, pairs);
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>Σ nats of <paramref name="rows"/> segments of <paramref name="length"/> pairs from <paramref name="offset"/>.</summary>
    static double Segments(RecurrentLanguageModel model, ReadOnlySpan<int> tokens, int offset, int rows, int length, int chunk)
    {
        double nats = 0;
        RecurrentState? state = null;
        try
        {
            for (int t0 = 0; t0 < length; t0 += chunk)
            {
                int n = Math.Min(chunk, length - t0);
                var x = new long[rows * n];
                var y = new long[rows * n];
                for (int r = 0; r < rows; r++)
                    for (int t = 0; t < n; t++)
                    {
                        int at = offset + r * length + t0 + t;
                        x[r * n + t] = tokens[at];
                        y[r * n + t] = tokens[at + 1];
                    }
                using var scope = NewDisposeScope();
                var (logits, next) = model.Forward(tensor(x, [rows, n]), state);                  // (rows, n, V)
                var loss = nn.functional.cross_entropy(logits.reshape(rows * n, -1), tensor(y), reduction: nn.Reduction.Sum);
                nats += loss.to(float64).item<double>();
                state?.Dispose();
                state = next.MoveToOuterDisposeScope();
            }
        }
        finally
        {
            state?.Dispose();
        }
        return nats;
    }
}
