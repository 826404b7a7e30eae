namespace LlmLab.Nn.Attention;

/// <summary>What <see cref="AttentionBenchmark"/> measures. Immutable.</summary>
/// <param name="Lengths">Sequence lengths T (queries = keys = T).</param>
/// <param name="Batch">B.</param>
/// <param name="Heads">nh.</param>
/// <param name="HeadDim">d.</param>
/// <param name="CausalModes">Which of non-causal (false) and causal (true) to run.</param>
/// <param name="Tiles">Tile sizes of the tiled kernel: one timed variant each.</param>
/// <param name="Repeats">Timed calls per variant and pass (after one warm-up round); min and median are reported.</param>
/// <param name="Backward">Also time forward + backward (gradients of q, k, v), not only the forward pass.</param>
/// <param name="NaiveMaxLength">Longest T at which the naive kernel runs (its scores need B·nh·T²·4 bytes per copy).</param>
/// <param name="Memory">Measure peak resident memory per call (Linux; see <see cref="PeakResidentMemory"/>).</param>
/// <param name="VerifyMaxLength">Longest T at which outputs and gradients are compared (0: never).</param>
/// <param name="Seed">Seed of the random inputs.</param>
public sealed record AttentionBenchmarkOptions(
    IReadOnlyList<int> Lengths,
    int Batch,
    int Heads,
    int HeadDim,
    IReadOnlyList<bool> CausalModes,
    IReadOnlyList<TiledAttentionBlocks> Tiles,
    int Repeats,
    bool Backward,
    int NaiveMaxLength,
    bool Memory,
    int VerifyMaxLength,
    long Seed)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad field.</summary>
    public void Validate()
    {
        if (Lengths.Count == 0 || Lengths.Any(t => t < 1)) throw new ArgumentException("Lengths: give at least one T, each >= 1");
        if (Batch < 1 || Heads < 1 || HeadDim < 1) throw new ArgumentException($"Batch, Heads and HeadDim must be >= 1 (got {Batch}, {Heads}, {HeadDim})");
        if (CausalModes.Count == 0) throw new ArgumentException("CausalModes: give false (not causal), true (causal) or both");
        if (Tiles.Count == 0) throw new ArgumentException("Tiles: give at least one tile size");
        foreach (var t in Tiles) t.Validate();
        if (Repeats < 1) throw new ArgumentException($"Repeats must be >= 1 (got {Repeats})");
    }

    /// <summary>The passes timed: forward, and forward + backward when <see cref="Backward"/>.</summary>
    public IReadOnlyList<AttentionPass> Passes => Backward ? [AttentionPass.Forward, AttentionPass.ForwardBackward] : [AttentionPass.Forward];

    /// <summary>The variants at length T: naive (up to <see cref="NaiveMaxLength"/>), tiled per tile size, SDPA.</summary>
    public IReadOnlyList<AttentionVariant> VariantsAt(int length) =>
    [
        .. length <= NaiveMaxLength ? [AttentionVariant.Naive] : Array.Empty<AttentionVariant>(),
        .. Tiles.Select(b => AttentionVariant.Tiled(b)),
        AttentionVariant.Sdpa,
    ];

    /// <summary>Bytes of one fp32 (B, nh, T, T) score matrix: what the naive kernel materialises (several times).</summary>
    public long ScoreMatrixBytes(int length) => 4L * Batch * Heads * length * length;
}
