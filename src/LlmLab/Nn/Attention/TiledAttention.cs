using static TorchSharp.torch;

namespace LlmLab.Nn.Attention;

/// <summary>
/// FlashAttention's forward algorithm (Dao et al. 2022): blocks of queries against blocks of keys/values with a
/// running max and normaliser, never materialising the full score matrix. (Being written: see the Part 4 issue.)
/// </summary>
public static class TiledAttention
{
    public static Tensor Forward(Tensor q, Tensor k, Tensor v, bool causal) =>
        throw new NotSupportedException("tiled attention is not implemented yet");
}
