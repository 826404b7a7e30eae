using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmLab.Training.Distributed;

/// <summary>
/// A group of parameters seen as one flat fp32 vector, padded with zeros to a multiple of the world size N so that it
/// splits into N equal shards (DeepSpeed's and FSDP's flat parameters do the same): rank r owns elements
/// [r·k, (r+1)·k) with k = padded length / N. Copies values and gradients between the parameters and a flat tensor;
/// the padding stays zero (its gradient is zero, so AdamW leaves it at zero even with weight decay). The parameters'
/// shapes are recorded when the bucket is made: under ZeRO-3 the module's parameters are empty between uses
/// (<see cref="ZeroUnit"/>), and the layout must still be known. Not thread-safe.
/// </summary>
sealed class FlatBucket
{
    /// <param name="name">The group's name (its optimizer group).</param>
    /// <param name="parameters">The parameters, in a fixed order (every rank lists them alike).</param>
    /// <param name="weightDecay">The group's AdamW weight decay.</param>
    /// <param name="worldSize">N.</param>
    public FlatBucket(string name, IReadOnlyList<(string Name, Parameter Parameter)> parameters, double? weightDecay, int worldSize)
    {
        (Name, Parameters, WeightDecay) = (name, parameters, weightDecay);
        Shapes = parameters.Select(p => p.Parameter.shape.ToArray()).ToArray();
        Numels = Shapes.Select(s => s.Aggregate(1L, (a, b) => a * b)).ToArray();
        Length = Numels.Sum();
        ShardLength = (Length + worldSize - 1) / worldSize;
        PaddedLength = ShardLength * worldSize;
    }

    public string Name { get; }
    public IReadOnlyList<(string Name, Parameter Parameter)> Parameters { get; }
    public double? WeightDecay { get; }

    /// <summary>Each parameter's shape when the bucket was made.</summary>
    public IReadOnlyList<long[]> Shapes { get; }

    /// <summary>Each parameter's element count when the bucket was made.</summary>
    public IReadOnlyList<long> Numels { get; }

    /// <summary>Bytes of the padded flat vector in fp32.</summary>
    public long PaddedBytes => PaddedLength * sizeof(float);

    /// <summary>Elements of the parameters (Ψ of this group).</summary>
    public long Length { get; }

    /// <summary>k = ⌈Length / N⌉.</summary>
    public long ShardLength { get; }

    /// <summary>N·k ≥ Length.</summary>
    public long PaddedLength { get; }

    /// <summary>A new flat fp32 tensor of the parameters' gradients (zeros where a parameter has none) and padding.</summary>
    public Tensor Gradients() => Flatten(p => p.grad);

    /// <summary>A new flat fp32 tensor of the parameters' values and padding.</summary>
    public Tensor Values() => Flatten(p => p);

    /// <summary>Copies a flat tensor's elements into each parameter's gradient (allocating it when absent).</summary>
    public void SetGradients(Tensor flat)
    {
        using var noGrad = no_grad();
        foreach (var (p, part) in Views(flat))
        {
            if (p.grad is { } g) g.copy_(part);
            else p.grad = part.clone();
        }
    }

    /// <summary>Copies a flat tensor's elements into the parameters' values.</summary>
    public void SetValues(Tensor flat)
    {
        using var noGrad = no_grad();
        foreach (var (p, part) in Views(flat)) p.copy_(part);
    }

    /// <summary>Each parameter with the view of <paramref name="flat"/> (a padded or unpadded flat vector of this bucket)
    /// that holds its elements, in its recorded shape.</summary>
    public IEnumerable<(Parameter Parameter, Tensor View)> Views(Tensor flat)
    {
        long offset = 0;
        for (int i = 0; i < Parameters.Count; i++)
        {
            yield return (Parameters[i].Parameter, flat.narrow(0, offset, Numels[i]).view(Shapes[i]));
            offset += Numels[i];
        }
    }

    /// <summary>The views of <paramref name="shard"/> (rank <paramref name="rank"/>'s k elements) that fall in each
    /// parameter, in order (a parameter split between two ranks gives each its part; padding is left out).</summary>
    public IEnumerable<(string Name, Tensor Segment)> Segments(int rank, Tensor shard)
    {
        long from = rank * ShardLength, to = from + ShardLength, offset = 0;
        for (int i = 0; i < Parameters.Count; i++)
        {
            long n = Numels[i];
            long start = Math.Max(from, offset), end = Math.Min(to, offset + n);
            // A whole parameter keeps its shape: libtorch's norm reduces a 2-D view in another order than a flat one.
            if (start < end)
                yield return (Parameters[i].Name, start == offset && end == offset + n ? shard.narrow(0, start - from,
                    end - start).view(Shapes[i])
                    : shard.narrow(0, start - from, end - start));
            offset += n;
        }
    }

    Tensor Flatten(Func<Parameter, Tensor?> of)
    {
        using var noGrad = no_grad();
        var flat = zeros(PaddedLength, ScalarType.Float32);
        foreach (var (p, part) in Views(flat))
            if (of(p) is { } t) part.copy_(t.detach());
        return flat;
    }
}
