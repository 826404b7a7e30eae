using LlmLab.Nn;
using LlmLab.Nn.Attention;
using LlmLab.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

/// <summary>
/// The tiled (FlashAttention) kernel against the naive one and libtorch's SDPA: outputs and gradients (through the
/// custom autograd node, and through the explicit backward), fp64 at the shared table's 1e-12 and fp32 within 1e-5,
/// causal and not, lengths that are not multiples of the tile, Tq &lt; Tk, several head counts and dims, tiles from
/// 1 × 1 to larger than T.
/// </summary>
public class TiledAttentionTests
{
    public TiledAttentionTests() => TorchRuntime.EnsureLoaded(1);

    static readonly TiledAttentionBlocks Small = new(16, 8);

    public static TheoryData<int> StandardCases()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < AttentionCase.Standard.Count; i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(StandardCases))]
    public void Fp64_output_and_gradients_match_naive_at_the_shared_tolerance(int index)
    {
        using var scope = NewDisposeScope();
        var c = AttentionCase.Standard[index];
        var (q, k, v, up) = c.Inputs(100 + index, float64);
        foreach (var blocks in new[] { Small, TiledAttentionBlocks.Default })
        {
            var a = AttentionAgreement.Of(c.ToString(), AttentionVariant.Tiled(blocks), AttentionVariant.Naive, q, k, v, c.Causal, up);
            Assert.True(a.Passed, a.Describe());
        }
    }

    [Theory]
    [MemberData(nameof(StandardCases))]
    public void Fp32_output_and_gradients_agree_with_naive_and_sdpa_within_1e_5(int index)
    {
        using var scope = NewDisposeScope();
        var c = AttentionCase.Standard[index];
        var (q, k, v, up) = c.Inputs(200 + index, float32);
        foreach (var reference in new[] { AttentionVariant.Naive, AttentionVariant.Sdpa })
        {
            var a = AttentionAgreement.Of(c.ToString(), AttentionVariant.Tiled(Small), reference, q, k, v, c.Causal, up);
            Assert.True(a.Passed, a.Describe());
            Assert.Equal(1e-5, a.Output.Tol.Absolute);
        }
    }

    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(1, 1, true)]
    [InlineData(7, 3, true)]
    [InlineData(512, 512, true)] // one tile bigger than the sequence
    public void Any_tile_size_gives_the_same_result(int br, int bc, bool causal)
    {
        using var scope = NewDisposeScope();
        var c = new AttentionCase("odd tiles", 2, 2, 23, 31, 8, causal);
        var (q, k, v, up) = c.Inputs(7, float64);
        var a = AttentionAgreement.Of(c.ToString(), AttentionVariant.Tiled(new(br, bc)), AttentionVariant.Naive, q, k, v, causal, up);
        Assert.True(a.Passed, a.Describe());
    }

    [Fact]
    public void Value_head_dim_may_differ_and_leading_dims_may_be_any()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(3);
        var q = randn([2, 3, 2, 19, 8], float64, generator: g);   // (B, groups, nh, T, d)
        var k = randn([2, 3, 2, 19, 8], float64, generator: g);
        var v = randn([2, 3, 2, 19, 5], float64, generator: g);   // dv = 5 ≠ d
        var up = randn([2, 3, 2, 19, 5], float64, generator: g);
        var a = AttentionAgreement.Of("5-D, dv ≠ d", AttentionVariant.Tiled(Small), AttentionVariant.Naive, q, k, v, true, up);
        Assert.True(a.Passed, a.Describe());
        var a3 = AttentionAgreement.Of("3-D", AttentionVariant.Tiled(Small), AttentionVariant.Naive, q[0, 0], k[0, 0], v[0, 0], false, up[0, 0]);
        Assert.True(a3.Passed, a3.Describe());
    }

    [Fact]
    public void Explicit_backward_equals_autograd_of_the_naive_kernel_and_lse_is_the_row_logsumexp()
    {
        using var scope = NewDisposeScope();
        var c = AttentionCase.Standard[5]; // Tq = 37 < Tk = 300, causal
        var (q, k, v, up) = c.Inputs(11, float64);
        var (o, lse) = TiledAttention.ForwardWithLogSumExp(q, k, v, true, Small);
        var (dq, dk, dv) = TiledAttention.Backward(q, k, v, o, lse, up, true, Small);
        var (_, reference) = AttentionAgreement.OutputAndGradients(AttentionVariant.Naive, q, k, v, true, up);
        TensorAssert.Close(dq, reference[0], "dq");
        TensorAssert.Close(dk, reference[1], "dk");
        TensorAssert.Close(dv, reference[2], "dv");

        long tq = c.QueryLength, tk = c.KeyLength;
        var hidden = ones(tq, tk, dtype: ScalarType.Bool).tril(tk - tq).logical_not();
        var scores = q.matmul(k.transpose(-2, -1)).div(Math.Sqrt(c.HeadDim)).masked_fill(hidden, double.NegativeInfinity);
        TensorAssert.Close(lse, scores.logsumexp(-1), "log-sum-exp");
    }

    [Fact]
    public void Zero_queries_average_the_visible_values()
    {
        // q = 0 makes every score 0: row i is the plain mean of v over the keys it sees (causal: a prefix mean).
        using var scope = NewDisposeScope();
        var q = zeros(1, 1, 5, 4, float64);
        var k = randn(1, 1, 5, 4, float64);
        var v = arange(1, 6, float64).reshape(1, 1, 5, 1).expand(1, 1, 5, 4).contiguous();
        var o = TiledAttention.Forward(q, k, v, causal: true, new TiledAttentionBlocks(2, 2));
        Assert.Equal([1.0, 1.5, 2.0, 2.5, 3.0], o[0, 0, .., 0].data<double>().ToArray());
        var all = TiledAttention.Forward(q, k, v, causal: false, new TiledAttentionBlocks(2, 2));
        Assert.All(all[0, 0, .., 0].data<double>().ToArray(), x => Assert.Equal(3.0, x, 12));
    }

    [Fact]
    public void Forward_is_recorded_by_autograd_only_when_needed()
    {
        using var scope = NewDisposeScope();
        var (q, k, v, _) = AttentionCase.Standard[0].Inputs(1, float32);
        Assert.False(TiledAttention.Forward(q, k, v, true).requires_grad);
        var qg = q.detach().requires_grad_(true);
        var o = TiledAttention.Forward(qg, k, v, true);
        Assert.True(o.requires_grad);
        using (no_grad()) Assert.False(TiledAttention.Forward(qg, k, v, true).requires_grad);
        o.sum().backward();
        Assert.Equal(q.shape, qg.grad!.shape);
        Assert.True(qg.grad.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Bad_input_names_the_problem()
    {
        using var scope = NewDisposeScope();
        var q = randn(1, 2, 8, 4);
        Assert.Contains("Tq ≤ Tk", Assert.Throws<ArgumentException>(() => TiledAttention.Forward(q, randn(1, 2, 5, 4), randn(1, 2, 5, 4), true)).Message);
        Assert.Contains("head dim", Assert.Throws<ArgumentException>(() => TiledAttention.Forward(q, randn(1, 2, 8, 3), randn(1, 2, 8, 4), false)).Message);
        Assert.Contains("leading", Assert.Throws<ArgumentException>(() => TiledAttention.Forward(q, randn(1, 1, 8, 4), randn(1, 1, 8, 4), false)).Message);
        Assert.Contains("dtype", Assert.Throws<ArgumentException>(() => TiledAttention.Forward(q, randn(1, 2, 8, 4, float64), randn(1, 2, 8, 4), false)).Message);
        Assert.Contains("key block size must be >= 1", Assert.Throws<ArgumentOutOfRangeException>(() => TiledAttention.Forward(q, q, q, false, new(4, 0))).Message);
        Assert.Contains("write QUERYxKEY", Assert.Throws<FormatException>(() => TiledAttentionBlocks.Parse("64by64")).Message);
        Assert.Equal(new TiledAttentionBlocks(64, 32), TiledAttentionBlocks.Parse("64x32"));
        Assert.Equal(new TiledAttentionBlocks(96, 96), TiledAttentionBlocks.Parse("96"));
    }

    [Fact]
    public void Attention_kernels_dispatch_to_the_tiled_kernel()
    {
        using var scope = NewDisposeScope();
        var (q, k, v, _) = AttentionCase.Standard[1].Inputs(5, float64);
        TensorAssert.Close(AttentionKernels.Compute(AttentionKernel.Tiled, q, k, v, true), AttentionKernels.Naive(q, k, v, true), "Compute(Tiled)");
    }
}
