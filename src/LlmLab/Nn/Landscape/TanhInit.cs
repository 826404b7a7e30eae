using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Nn.Landscape;

/// <summary>
/// Re-initialises the Linear layers of a tanh network so that a deep stack without skips can still train.
/// PyTorch's default Linear init, U(±1/√fan_in), shrinks a tanh layer's output by about √3 each layer: after 10
/// layers the signal (and the gradient) is ~1/250 of its size and a no-skip MLP sits on a plateau. Glorot &amp;
/// Bengio 2010's normal init with PyTorch's tanh gain 5/3 (<c>calculate_gain('tanh')</c>) keeps the variance
/// roughly constant through depth. Uses libtorch's global generator (seed it first). Not thread-safe.
/// </summary>
public static class TanhInit
{
    /// <summary>PyTorch's recommended gain for tanh, <c>torch.nn.init.calculate_gain('tanh')</c> = 5/3.</summary>
    public const double TanhGain = 5.0 / 3.0;

    /// <summary>Every rank-2 parameter whose name does not start with <paramref name="skipPrefix"/> (the embedding,
    /// which has no fan-in to preserve) gets Xavier-normal weights with <paramref name="gain"/>; every rank-1
    /// parameter (bias) gets 0. Returns the number of tensors re-initialised.</summary>
    public static int Apply(nn.Module model, double gain = TanhGain, string skipPrefix = "embed")
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(gain > 0)) throw new ArgumentOutOfRangeException(nameof(gain), $"gain must be > 0 (got {gain})");
        int count = 0;
        using var _ = no_grad();
        foreach (var (name, p) in model.named_parameters())
        {
            if (name.StartsWith(skipPrefix, StringComparison.Ordinal)) continue;
            if (p.dim() == 2) nn.init.xavier_normal_(p, gain);
            else if (p.dim() == 1) p.zero_();
            else continue;
            count++;
        }
        return count;
    }
}
