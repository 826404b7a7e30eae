using static TorchSharp.torch;

namespace LlmLab.Nn.Attention;

/// <summary>
/// FlashAttention's algorithm (Dao et al. 2022, "FlashAttention: Fast and Memory-Efficient Exact Attention with
/// IO-Awareness"; loop order of Dao 2023, FlashAttention-2): softmax(QKᵀ/√d)V computed tile by tile with a running row
/// max and normaliser (the online softmax of Milakov and Gimelshein 2018), so that the (Tq × Tk) score matrix never
/// exists; only (B·nh, B_r, B_c) tiles do. The backward pass recomputes each tile's probabilities from the log-sum-exp
/// saved by the forward pass instead of storing them. Memory beyond inputs and outputs: O(B·nh·(Tq + B_r·B_c)).
/// <para>Shapes: q (…, Tq, d), k (…, Tk, d), v (…, Tk, dv) with the same leading dims (usually (B, nh)); output
/// (…, Tq, dv). With <c>causal</c>, query i attends to keys j ≤ i + (Tk − Tq), as in <see cref="AttentionKernels"/>
/// (the queries are the last Tq positions, as when decoding with a KV cache), which needs Tq ≤ Tk.</para>
/// <para>Implementation: each tile is a handful of batched libtorch calls (bmm, exp, max) driven by C# loops. The two
/// matmuls per tile (2·B_r·B_c·d FLOPs each) dominate the work, and libtorch's GEMM runs them several times faster than
/// a managed dot-product loop could; the loops in C# cost a few microseconds of dispatch per call, which tiles of
/// 128 × 128 amortise. The arithmetic is in the inputs' dtype (use fp32 or fp64).</para>
/// Inputs are not modified; results are new tensors the caller owns. Stateless and thread-safe.
/// </summary>
public static class TiledAttention
{
    /// <summary>Tiled attention with <see cref="TiledAttentionBlocks.Default"/> tiles; differentiable (see the other overload).</summary>
    public static Tensor Forward(Tensor q, Tensor k, Tensor v, bool causal) => Forward(q, k, v, causal, TiledAttentionBlocks.Default);

    /// <summary>
    /// Tiled attention, differentiable: when autograd is on and an input requires a gradient, the call is recorded as
    /// one autograd node whose backward is <see cref="Backward"/> (so nothing of size Tq × Tk is saved for it, only
    /// q, k, v, the output and the (…, Tq) log-sum-exp).
    /// </summary>
    public static Tensor Forward(Tensor q, Tensor k, Tensor v, bool causal, TiledAttentionBlocks blocks)
    {
        Check(q, k, v, causal, blocks);
        if (is_grad_enabled() && (q.requires_grad || k.requires_grad || v.requires_grad))
            return TiledAttentionFunction.apply(q, k, v, causal, blocks);
        using var noGrad = no_grad();
        var (o, lse) = ForwardWithLogSumExp(q, k, v, causal, blocks);
        lse.Dispose();
        return o;
    }

    /// <summary>
    /// The forward pass (Algorithm 1 of the paper, query tiles outermost as in FlashAttention-2) returning the output
    /// (…, Tq, dv) and the log-sum-exp L = m + log ℓ of each row's scaled scores (…, Tq), which <see cref="Backward"/>
    /// needs. Not recorded by autograd.
    /// </summary>
    public static (Tensor Output, Tensor LogSumExp) ForwardWithLogSumExp(Tensor q, Tensor k, Tensor v, bool causal, TiledAttentionBlocks blocks)
    {
        Check(q, k, v, causal, blocks);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (bh, tq, tk, d, dv) = Dims(q, k, v);
        long shift = tk - tq, br = blocks.Query, bc = blocks.Key;
        var output = empty([.. q.shape[..^1], dv], q.dtype, q.device);
        var lse = empty(q.shape[..^1], q.dtype, q.device);
        var o = output.view(bh, tq, dv);                       // (BH, Tq, dv), a view the loop writes into
        var l = lse.view(bh, tq, 1);                           // (BH, Tq, 1)
        var qs = q.reshape(bh, tq, d).mul(1.0 / Math.Sqrt(d));  // (BH, Tq, d): 1/√d applied once, not per tile
        var kk = k.reshape(bh, tk, d);                          // (BH, Tk, d)
        var vv = v.reshape(bh, tk, dv);                         // (BH, Tk, dv)
        var offsets = causal ? ColumnMinusRow(br, bc, q.device) : null;
        for (long i0 = 0; i0 < tq; i0 += br)
        {
            using var tileScope = NewDisposeScope();
            long rows = Math.Min(br, tq - i0);
            var qi = qs.narrow(1, i0, rows);                                    // (BH, Br, d)
            var m = full([bh, rows, 1], double.NegativeInfinity, q.dtype, q.device); // running row max
            var ell = zeros([bh, rows, 1], q.dtype, q.device);                  // running normaliser ℓ = Σ exp(s − m)
            var acc = zeros([bh, rows, dv], q.dtype, q.device);                 // running Σ exp(s − m)·v
            // 1. Causal block skipping: the last row of this tile sees keys < i0 + rows + shift; tiles past that are all masked.
            long keyEnd = causal ? Math.Min(tk, i0 + rows + shift) : tk;
            for (long j0 = 0; j0 < keyEnd; j0 += bc)
            {
                using var stepScope = NewDisposeScope();
                long cols = Math.Min(bc, keyEnd - j0);
                var s = qi.bmm(kk.narrow(1, j0, cols).transpose(1, 2));         // (BH, Br, Bc) scaled scores S_ij
                // 2. Only tiles that cross the diagonal need the mask: key j0 + c is hidden from row i0 + r when c − r > i0 − j0 + shift.
                if (causal && j0 + cols - 1 > i0 + shift)
                    s.masked_fill_(offsets!.narrow(0, 0, rows).narrow(1, 0, cols).gt(i0 - j0 + shift), double.NegativeInfinity);
                // 3. Online softmax: new max, rescale what was accumulated under the old max by exp(m_old − m_new).
                // Every row sees key 0 (shift ≥ 0), so m is finite after the first tile and m_old − m_new is never −∞ − (−∞).
                var mNew = maximum(m, s.amax([-1], keepdim: true));              // (BH, Br, 1)
                var rescale = m.sub(mNew).exp_();                                // (BH, Br, 1)
                var p = s.sub_(mNew).exp_();                                     // (BH, Br, Bc) P̃_ij = exp(S_ij − m_new), in place
                ell.mul_(rescale).add_(p.sum([-1], keepdim: true));
                acc.mul_(rescale).add_(p.bmm(vv.narrow(1, j0, cols)));            // acc ← acc·rescale + P̃_ij V_j
                m.copy_(mNew);
            }
            // 4. Normalise once per tile, and keep L = m + log ℓ for the backward pass.
            o.narrow(1, i0, rows).copy_(acc.div_(ell));
            l.narrow(1, i0, rows).copy_(m.add_(ell.log_()));
        }
        return (output.MoveToOuterDisposeScope(), lse.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The backward pass by recomputation (Algorithm 4 of the paper, in FlashAttention-2's form): D = rowsum(dO ⊙ O),
    /// and per tile P = exp(S − L), dV += Pᵀ dO, dP = dO Vᵀ, dS = P ⊙ (dP − D), dQ += dS K/√d, dK += dSᵀ Q/√d.
    /// Key tiles are outermost so each dK/dV tile accumulates in place; dQ accumulates across them.
    /// <paramref name="o"/> and <paramref name="lse"/> are what <see cref="ForwardWithLogSumExp"/> returned for the same
    /// inputs and tiles; <paramref name="gradOutput"/> is ∂loss/∂output. Returns new (dq, dk, dv) shaped like q, k, v.
    /// </summary>
    public static (Tensor Dq, Tensor Dk, Tensor Dv) Backward(Tensor q, Tensor k, Tensor v, Tensor o, Tensor lse, Tensor gradOutput,
                                                             bool causal, TiledAttentionBlocks blocks)
    {
        Check(q, k, v, causal, blocks);
        var (bh, tq, tk, d, dv) = Dims(q, k, v);
        long[] outShape = [.. q.shape[..^1], dv];
        if (!o.shape.SequenceEqual(outShape) || !gradOutput.shape.SequenceEqual(outShape) || !lse.shape.SequenceEqual(q.shape[..^1]))
            throw new ArgumentException($"backward needs o and gradOutput shaped ({string.Join(", ", outShape)}) and lse shaped " +
                $"({string.Join(", ", q.shape[..^1])}) (got o {Shape(o)}, gradOutput {Shape(gradOutput)}, lse {Shape(lse)}): pass what ForwardWithLogSumExp returned");
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long shift = tk - tq, br = blocks.Query, bc = blocks.Key;
        double scale = 1.0 / Math.Sqrt(d);
        var qs = q.reshape(bh, tq, d).mul(scale);                     // (BH, Tq, d) Q/√d, so dK's 1/√d is already in it
        var kk = k.reshape(bh, tk, d);                                // (BH, Tk, d)
        var vv = v.reshape(bh, tk, dv);                               // (BH, Tk, dv)
        var dO = gradOutput.reshape(bh, tq, dv);                      // (BH, Tq, dv)
        var l = lse.reshape(bh, tq, 1);                               // (BH, Tq, 1)
        var dd = dO.mul(o.reshape(bh, tq, dv)).sum([-1], keepdim: true); // (BH, Tq, 1) D_i = rowsum(dO ⊙ O)
        var dq = zeros(q.shape, q.dtype, q.device);
        var dk = zeros(k.shape, k.dtype, k.device);
        var dvOut = zeros(v.shape, v.dtype, v.device);
        var dqv = dq.view(bh, tq, d);
        var dkv = dk.view(bh, tk, d);
        var dvv = dvOut.view(bh, tk, dv);
        var offsets = causal ? ColumnMinusRow(br, bc, q.device) : null;
        for (long j0 = 0; j0 < tk; j0 += bc)
        {
            using var tileScope = NewDisposeScope();
            long cols = Math.Min(bc, tk - j0);
            var kj = kk.narrow(1, j0, cols);                          // (BH, Bc, d)
            var vj = vv.narrow(1, j0, cols);                          // (BH, Bc, dv)
            var dkj = dkv.narrow(1, j0, cols);
            var dvj = dvv.narrow(1, j0, cols);
            // 1. Causal block skipping: rows before j0 − shift see none of these keys.
            for (long i0 = causal ? Math.Max(0, j0 - shift) : 0; i0 < tq; i0 += br)
            {
                using var stepScope = NewDisposeScope();
                long rows = Math.Min(br, tq - i0);
                var qi = qs.narrow(1, i0, rows);                       // (BH, Br, d)
                var dOi = dO.narrow(1, i0, rows);                      // (BH, Br, dv)
                var s = qi.bmm(kj.transpose(1, 2));                    // (BH, Br, Bc)
                if (causal && j0 + cols - 1 > i0 + shift)
                    s.masked_fill_(offsets!.narrow(0, 0, rows).narrow(1, 0, cols).gt(i0 - j0 + shift), double.NegativeInfinity);
                // 2. Recompute the probabilities from the saved log-sum-exp: P = exp(S − L), exactly softmax's.
                var p = s.sub_(l.narrow(1, i0, rows)).exp_();         // (BH, Br, Bc)
                dvj.add_(p.transpose(1, 2).bmm(dOi));                  // dV_j += Pᵀ dO_i
                var ds = dOi.bmm(vj.transpose(1, 2))                   // dP = dO_i V_jᵀ (BH, Br, Bc)
                    .sub_(dd.narrow(1, i0, rows)).mul_(p);             // dS = P ⊙ (dP − D_i)
                dqv.narrow(1, i0, rows).add_(ds.bmm(kj));             // dQ_i += dS K_j (× 1/√d once, at the end)
                dkj.add_(ds.transpose(1, 2).bmm(qi));                  // dK_j += dSᵀ (Q_i / √d)
            }
        }
        dq.mul_(scale);
        return (dq.MoveToOuterDisposeScope(), dk.MoveToOuterDisposeScope(), dvOut.MoveToOuterDisposeScope());
    }

    /// <summary>(Br, Bc) int64 table of c − r, from which each diagonal tile's mask is one comparison.</summary>
    static Tensor ColumnMinusRow(long br, long bc, Device device) =>
        arange(bc, ScalarType.Int64, device).unsqueeze(0) - arange(br, ScalarType.Int64, device).unsqueeze(1);

    static (long BH, long Tq, long Tk, long D, long Dv) Dims(Tensor q, Tensor k, Tensor v)
    {
        long bh = 1;
        foreach (long n in q.shape[..^2]) bh *= n;
        return (bh, q.shape[^2], k.shape[^2], q.shape[^1], v.shape[^1]);
    }

    /// <summary>Guard clauses shared by every entry point: shapes, dtypes, devices, causal alignment, tile sizes.</summary>
    static void Check(Tensor q, Tensor k, Tensor v, bool causal, TiledAttentionBlocks blocks)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        ArgumentNullException.ThrowIfNull(blocks);
        blocks.Validate();
        if (q.dim() < 2 || k.dim() != q.dim() || v.dim() != q.dim())
            throw new ArgumentException($"q, k, v must have the same rank ≥ 2, (…, T, d) (got q {Shape(q)}, k {Shape(k)}, v {Shape(v)})");
        if (!q.shape[..^2].SequenceEqual(k.shape[..^2]) || !q.shape[..^2].SequenceEqual(v.shape[..^2]))
            throw new ArgumentException($"q, k, v must share their leading (batch, head) dims (got q {Shape(q)}, k {Shape(k)}, v {Shape(v)}); " +
                "repeat k and v per query head first for grouped-query attention");
        if (k.shape[^1] != q.shape[^1] || v.shape[^2] != k.shape[^2])
            throw new ArgumentException($"k must have q's head dim and v k's length (got q {Shape(q)}, k {Shape(k)}, v {Shape(v)})");
        if (q.shape[^2] < 1 || k.shape[^2] < 1 || q.shape[^1] < 1)
            throw new ArgumentException($"attention needs at least one query, one key and head dim ≥ 1 (got q {Shape(q)}, k {Shape(k)})");
        if (!q.is_floating_point() || k.dtype != q.dtype || v.dtype != q.dtype)
            throw new ArgumentException($"q, k, v must share one floating-point dtype (got {q.dtype}, {k.dtype}, {v.dtype})");
        if (!SameDevice(k, q) || !SameDevice(v, q))
            throw new ArgumentException($"q, k, v must be on one device (got {q.device}, {k.device}, {v.device})");
        if (causal && q.shape[^2] > k.shape[^2])
            throw AttentionKernels.CausalShapeError(q, k);
    }

    static bool SameDevice(Tensor a, Tensor b) => a.device_type == b.device_type && a.device_index == b.device_index;

    static string Shape(Tensor t) => "(" + string.Join(", ", t.shape) + ")";
}
