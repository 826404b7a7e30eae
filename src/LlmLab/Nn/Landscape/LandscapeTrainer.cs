using LlmLab.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Nn.Landscape;

/// <summary>
/// The plain training loop the loss-landscape lab needs to produce its minima: Adam on random next-token windows,
/// one cross-entropy step per batch. Two models trained with the same <see cref="Random"/> seed see the same
/// batches in the same order, so the only difference between them is the model's own. Stateless; the model stays
/// the caller's.
/// </summary>
public static class LandscapeTrainer
{
    /// <summary>
    /// Trains <paramref name="model"/> for <paramref name="steps"/> steps of <paramref name="batch"/> windows of
    /// <paramref name="context"/> bytes drawn from <paramref name="data"/> with <paramref name="rng"/>, using Adam at
    /// <paramref name="learningRate"/> (β = 0.9, 0.999; no weight decay). Returns the training loss of every step.
    /// <paramref name="onStep"/> receives (step, loss) after each step (1-based).
    /// </summary>
    public static double[] Train(nn.Module<Tensor, Tensor> model, byte[] data, int context, int steps, int batch,
                                 double learningRate, Random rng, Action<int, double>? onStep = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(rng);
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), $"steps must be >= 0 (got {steps})");
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), $"batch must be >= 1 (got {batch})");
        if (!(learningRate > 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), $"learning rate must be > 0 (got {learningRate})");
        var losses = new double[steps];
        model.train();
        using var optimizer = optim.Adam(model.parameters(), learningRate);
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            var (x, y) = ContextWindows.Sample(data, context, batch, rng);   // (B, k), (B,)
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.call(x), y);
            loss.backward();
            optimizer.step();
            losses[step] = loss.item<float>();
            onStep?.Invoke(step + 1, losses[step]);
        }
        return losses;
    }
}
