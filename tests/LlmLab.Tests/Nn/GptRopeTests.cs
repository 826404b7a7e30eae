using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

public sealed class GptRopeTests
{
    public GptRopeTests() => TorchRuntime.EnsureLoaded(1);

    /// <summary>The same vector at every one of P positions, rotated: (1, 1, P, hs).</summary>
    static Tensor RotatedEverywhere(RotaryEmbedding rope, Tensor vector, int positions) =>
        rope.Apply(vector.view(1, 1, 1, -1).expand(1, 1, positions, -1).contiguous(), 0);

    [Fact]
    public void Position_zero_is_the_identity_and_position_one_turns_the_first_pair_by_one_radian()
    {
        using var scope = NewDisposeScope();
        using var rope = new RotaryEmbedding(headSize: 4, positions: 3);
        // Pairs are (0, 2) and (1, 3); θ₀ = 1, θ₁ = 10000^(−1/2) = 0.01.
        var r = RotatedEverywhere(rope, tensor(new float[] { 1, 1, 0, 0 }), 3);
        Assert.Equal(new float[] { 1, 1, 0, 0 }, r[0, 0, 0].data<float>().ToArray());
        var p1 = r[0, 0, 1].data<float>().ToArray();
        Assert.Equal(Math.Cos(1), p1[0], 6);
        Assert.Equal(Math.Sin(1), p1[2], 6);
        Assert.Equal(Math.Cos(0.01), p1[1], 6);
        Assert.Equal(Math.Sin(0.01), p1[3], 6);
        var p2 = r[0, 0, 2].data<float>().ToArray();
        Assert.Equal(Math.Cos(2), p2[0], 6);
        Assert.Equal(Math.Sin(0.02), p2[3], 6);
    }

    [Fact]
    public void Rotation_preserves_norms()
    {
        using var scope = NewDisposeScope();
        using var rope = new RotaryEmbedding(headSize: 16, positions: 200);
        manual_seed(3);
        var x = randn(2, 3, 200, 16);
        var r = rope.Apply(x, 0);
        TensorAssert.Close(r.norm(-1), x.norm(-1), "|RoPE(x)| vs |x|", new(1e-6, 1e-5));
        Assert.True((r - x).abs().max().item<float>() > 0.1, "nothing was rotated");
    }

    [Fact]
    public void Query_key_products_depend_only_on_the_distance()
    {
        using var scope = NewDisposeScope();
        const int P = 64;
        using var rope = new RotaryEmbedding(headSize: 8, positions: P);
        manual_seed(5);
        var q = RotatedEverywhere(rope, randn(8), P)[0, 0].to(float64);  // (P, hs): q at every position m
        var k = RotatedEverywhere(rope, randn(8), P)[0, 0].to(float64);  // (P, hs): k at every position n
        var scores = q.matmul(k.T);                                         // (P, P): q_m · k_n
        foreach (int distance in new[] { -7, 0, 1, 5, 30 })
        {
            var diagonal = scores.diagonal(-distance).data<double>().ToArray(); // entries with m − n = distance
            foreach (double s in diagonal) Assert.Equal(diagonal[0], s, 4);
        }
        // ...and it does depend on the distance.
        Assert.NotEqual(scores[0, 0].item<double>(), scores[5, 0].item<double>(), 2);
    }

    [Fact]
    public void An_offset_rotates_as_the_later_positions_do()
    {
        using var scope = NewDisposeScope();
        using var rope = new RotaryEmbedding(headSize: 8, positions: 16);
        manual_seed(9);
        var x = randn(1, 2, 16, 8);
        TensorAssert.Close(rope.Apply(x[.., .., 10..], 10), rope.Apply(x, 0)[.., .., 10..], "offset 10", new(0, 1e-6));
        Assert.Contains("n_positions", Assert.Throws<ArgumentException>(() => rope.Apply(x[.., .., 10..], 11)).Message);
    }
}
