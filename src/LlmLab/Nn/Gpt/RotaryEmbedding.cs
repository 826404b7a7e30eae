using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Nn.Gpt;

/// <summary>
/// Rotary position embedding (Su et al. 2021, "RoFormer", §3.4): each pair of channels (a, b) of a query or key at
/// position m is rotated by the angle m·θᵢ, θᵢ = base^(−2i/hs). A rotation keeps the vector's norm, and the dot product
/// of a query rotated by m with a key rotated by n depends on m − n only, so attention sees relative positions.
/// Pairs are (i, i + hs/2), the "rotate half" layout of GPT-NeoX and Hugging Face's Llama (the paper pairs neighbours;
/// the two differ by a fixed permutation of the channels). The cos/sin tables are precomputed for
/// <c>n_positions</c> positions (non-persistent buffers: derived, never saved). Shapes: x (B, nh, T, hs).
/// Not thread-safe (a module); dispose it.
/// </summary>
public sealed class RotaryEmbedding : nn.Module
{
    /// <param name="headSize">hs, even.</param>
    /// <param name="positions">P, the positions the tables cover.</param>
    /// <param name="theta">The base (10,000 in the paper).</param>
    /// <param name="device">Where the tables live (default: the CPU).</param>
    /// <param name="scaling">Long-context rescaling of the θᵢ (<see cref="RopeScaling"/>), or null for none.</param>
    public RotaryEmbedding(int headSize, int positions, double theta = 10000, Device? device = null, RopeScaling? scaling = null)
        : base(nameof(RotaryEmbedding))
    {
        if (headSize < 2 || headSize % 2 != 0) throw new ArgumentException($"RoPE needs an even head size >= 2 (got {headSize})", nameof(headSize));
        if (positions < 1) throw new ArgumentException($"positions must be >= 1 (got {positions})", nameof(positions));
        HeadSize = headSize;
        Positions = positions;
        int half = headSize / 2;
        // Angles m·θᵢ in fp64, stored in fp32: at position 8,191 an fp32 product would be off by ~1e-3 rad.
        var cosTable = new float[positions * half];
        var sinTable = new float[positions * half];
        double[] inverse = RopeScaling.InverseFrequencies(headSize, theta, scaling);
        for (int i = 0; i < half; i++)
        {
            double inv = inverse[i]; // θᵢ
            for (int m = 0; m < positions; m++)
            {
                cosTable[m * half + i] = (float)Math.Cos(m * inv);
                sinTable[m * half + i] = (float)Math.Sin(m * inv);
            }
        }
        register_buffer("cos", tensor(cosTable, [positions, half], device: device).DetachFromDisposeScope(), // (P, hs/2)
            persistent: false);
        register_buffer("sin", tensor(sinTable, [positions, half], device: device).DetachFromDisposeScope(), // (P, hs/2)
            persistent: false);
    }

    /// <summary>hs, the head size the tables were built for.</summary>
    public int HeadSize { get; }

    /// <summary>P, the positions covered: offset + T must not exceed it.</summary>
    public int Positions { get; }

    /// <summary>
    /// x (B, nh, T, hs) at positions offset … offset + T − 1 → the rotated x, a new tensor of x's dtype.
    /// </summary>
    /// <exception cref="ArgumentException">A head size other than hs, or positions past the table.</exception>
    public Tensor Apply(Tensor x, long offset)
    {
        long t = x.shape[^2], half = HeadSize / 2;
        if (x.shape[^1] != HeadSize) throw new ArgumentException($"RoPE was built for head size {HeadSize}, got {x.shape[^1]}", nameof(x));
        if (offset < 0 || offset + t > Positions)
            throw new ArgumentException($"positions {offset}..{offset + t - 1} are past RoPE's table of {Positions} (config n_positions): shorten the sequence or raise n_positions");
        using var scope = NewDisposeScope();
        var c = get_buffer("cos")!.narrow(0, offset, t).to(x.dtype);  // (T, hs/2)
        var s = get_buffer("sin")!.narrow(0, offset, t).to(x.dtype);  // (T, hs/2)
        var x1 = x.narrow(-1, 0, half);                                      // (B, nh, T, hs/2)
        var x2 = x.narrow(-1, half, half);
        return cat([x1 * c - x2 * s, x2 * c + x1 * s], -1).MoveToOuterDisposeScope(); // (B, nh, T, hs)
    }

    /// <summary>
    /// x (B, nh, T, hs) with each token at its own position, <paramref name="positions"/> (B, T) int64 (rows of a batch
    /// laid out differently) → the rotated x, a new tensor of x's dtype.
    /// </summary>
    public Tensor Apply(Tensor x, Tensor positions)
    {
        long b = x.shape[0], t = x.shape[^2], half = HeadSize / 2;
        if (x.shape[^1] != HeadSize) throw new ArgumentException($"RoPE was built for head size {HeadSize}, got {x.shape[^1]}", nameof(x));
        using var scope = NewDisposeScope();
        var flat = positions.reshape(-1);
        var c = get_buffer("cos")!.index_select(0, flat).view(b, 1, t, half).to(x.dtype); // (B, 1, T, hs/2)
        var s = get_buffer("sin")!.index_select(0, flat).view(b, 1, t, half).to(x.dtype); // (B, 1, T, hs/2)
        var x1 = x.narrow(-1, 0, half);                                                      // (B, nh, T, hs/2)
        var x2 = x.narrow(-1, half, half);
        return cat([x1 * c - x2 * s, x2 * c + x1 * s], -1).MoveToOuterDisposeScope(); // (B, nh, T, hs)
    }
}
