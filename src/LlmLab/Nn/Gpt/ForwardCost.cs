using LlmLab.Nn.Moe;
using System.Diagnostics;
using LlmLab.Nn.Attention;
using static TorchSharp.torch;

namespace LlmLab.Nn.Gpt;

/// <summary>
/// What a model costs to hold and to run, measured on the model itself: parameter bytes, forward latency per token at
/// a batch size, and the peak memory of a training forward (the activations autograd keeps for the backward).
/// Used to put a dense and an MoE model side by side. Not thread-safe (it runs the model; the memory probe reads the
/// whole process's resident peak).
/// </summary>
public static class ForwardCost
{
    /// <summary>Bytes of the module's parameters: Σ numel · element size.</summary>
    public static long ParameterBytes(TorchSharp.torch.nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return module.parameters().Sum(p => p.numel() * p.ElementSize);
    }

    /// <summary>
    /// Forward latency of <paramref name="model"/> on (<paramref name="batch"/>, <paramref name="length"/>) random tokens, in
    /// evaluation mode without gradients: <paramref name="warmup"/> untimed calls, then <paramref name="repeats"/> timed
    /// ones. Returns the median and the fastest call's seconds divided by the batch's tokens. Wall-clock figures: on a
    /// shared machine they move by tens of percent between runs. The model's mode is restored afterwards.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size or count below 1 (warmup below 0), or a length over n_positions.</exception>
    public static (double MedianSecondsPerToken, double MinSecondsPerToken) Latency(GptModel model, int batch, int length, int repeats, int warmup, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(warmup, 0);
        if (length < 1 || length > model.Config.Context)
            throw new ArgumentOutOfRangeException(nameof(length), $"length must be in 1..{model.Config.Context} (n_positions); got {length}");
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var rng = new Random(seed);
            var ids = tensor(Enumerable.Range(0, batch * length).Select(_ => (long)rng.Next(model.Config.VocabSize)).ToArray(), [batch, length]);
            var seconds = new double[repeats];
            for (int i = -warmup; i < repeats; i++)
            {
                using var step = NewDisposeScope();
                long start = Stopwatch.GetTimestamp();
                model.call(ids).Dispose();
                if (i >= 0) seconds[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            }
            var (min, median) = Runtime.SampleStats.MinMedian(seconds);
            double tokens = (double)batch * length;
            return (median / tokens, min / tokens);
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>
    /// How far a training-mode forward of (x, y) through <paramref name="loss"/> raises the process's resident peak
    /// (<see cref="PeakResidentMemory"/>): the activations autograd saves for the backward, the logits, the transient
    /// buffers, and the auxiliary loss's graph, all alive until the loss is released. No backward runs, so no gradient is
    /// counted. null where the peak cannot be measured (not Linux). The model's mode is restored afterwards.
    /// </summary>
    public static long? PeakActivationBytes(GptModel model, Func<Tensor, Tensor, Tensor> loss, Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        bool wasTraining = model.training;
        model.train();
        try
        {
            return PeakResidentMemory.Measure(() =>
            {
                using var scope = NewDisposeScope();
                loss(x, y).item<float>(); // the graph (and every saved tensor) lives until the scope ends
            });
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
