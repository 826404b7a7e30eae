using LlmLab.Nn.Gpt;
using LlmLab.Nn.Moe;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

/// <summary>Tiny Mixture-of-Experts configs and modules shared by the MoE tests.</summary>
internal static class MoeTestModels
{
    /// <summary><see cref="GptTestModels.Tiny"/> with 4 experts of width 64, top-2, dropless.</summary>
    public static GptConfig Tiny => GptTestModels.Tiny with { NumLocalExperts = 4, NumExpertsPerTok = 2, IntermediateSize = 64 };

    /// <summary>A seeded layer in training mode (dropout 0, so deterministic).</summary>
    public static MoeFeedForward Layer(GptConfig config, long seed = 1)
    {
        TorchRuntime.EnsureLoaded(1);
        Seeding.SeedTorch(seed);
        return new MoeFeedForward(config);
    }

    /// <summary>Seeded normal activations (B, T, d).</summary>
    public static Tensor Activations(int batch, int length, int width, int seed = 5)
    {
        var rng = new Random(seed);
        var values = Enumerable.Range(0, batch * length * width).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        return tensor(values, [batch, length, width]);
    }
}
