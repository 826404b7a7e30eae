using static TorchSharp.torch;

namespace LlmLab.Nn.Attention;

/// <summary>
/// One attention implementation under test: a kernel of <see cref="AttentionKernels"/> and, for the tiled one, its
/// tile sizes. <see cref="Name"/> is "naive", "sdpa", "tiled" (default tiles) or "tiled 64x256". Immutable.
/// </summary>
/// <param name="Kernel">Which implementation.</param>
/// <param name="Blocks">Tile sizes for <see cref="AttentionKernel.Tiled"/>; null elsewhere (and means the default tiles).</param>
public sealed record AttentionVariant(AttentionKernel Kernel, TiledAttentionBlocks? Blocks = null)
{
    public static AttentionVariant Naive { get; } = new(AttentionKernel.Naive);
    public static AttentionVariant Sdpa { get; } = new(AttentionKernel.Sdpa);

    /// <summary>The tiled kernel with these tiles (null: the default ones).</summary>
    public static AttentionVariant Tiled(TiledAttentionBlocks? blocks = null) => new(AttentionKernel.Tiled, blocks);

    public string Name => Kernel switch
    {
        AttentionKernel.Naive => "naive",
        AttentionKernel.Sdpa => "sdpa",
        _ => Blocks is null || Blocks == TiledAttentionBlocks.Default ? "tiled" : $"tiled {Blocks}",
    };

    /// <summary>softmax(QKᵀ/√d)V by this variant; same contract as <see cref="AttentionKernels.Compute"/>.</summary>
    public Tensor Run(Tensor q, Tensor k, Tensor v, bool causal) => Kernel == AttentionKernel.Tiled
        ? TiledAttention.Forward(q, k, v, causal, Blocks ?? TiledAttentionBlocks.Default)
        : AttentionKernels.Compute(Kernel, q, k, v, causal);

    public override string ToString() => Name;
}
