using static TorchSharp.torch;

namespace LlmLab.Nn;

/// <summary>
/// Cross-entropy written from its definition with elementwise TorchSharp ops (exp, log, max, sum, gather), in two
/// ways, plus its analytic gradient; it follows PyTorch's <c>torch.nn.functional.cross_entropy</c> exactly
/// (class-index or probability targets, class weights, ignore_index, label smoothing, mean/sum/none), and
/// <see cref="Libtorch"/> calls that built-in as the reference.
/// <list type="bullet">
/// <item><see cref="Naive"/>: p = exp(z) / Σ exp(z), loss = −log p[y]. Correct on paper, wrong in floats: exp
/// overflows past z ≈ 88.72 in float32 (ln 3.4e38) and p underflows to 0 once −log p passes ≈ 103.3 (−ln 1.4e-45,
/// the smallest subnormal), giving NaN or ∞.</item>
/// <item><see cref="Stable"/>: loss = logsumexp(z) − z[y] with logsumexp(z) = m + log Σ exp(z − m), m = max z, so no
/// exp argument is positive and the sum is at least 1. Differentiable through autograd.</item>
/// <item><see cref="Gradient"/>: ∂L/∂z = p·Σa − a per row, where a is the weighted, smoothed target distribution
/// (= softmax(z) − onehot(y) without options), times the reduction's scale.</item>
/// </list>
/// Shapes: logits (C), (N, C) or (N, C, d1, …); class targets (), (N) or (N, d1, …) of an integer dtype; probability
/// targets the logits' shape, floating point. Bad shapes or out-of-range targets throw <see cref="ArgumentException"/>
/// naming the shapes. Each call returns one new tensor that the caller owns (intermediates are disposed); thread-safe
/// as far as libtorch is.
/// </summary>
public static class CrossEntropy
{
    /// <summary>The textbook version, softmax then −log p[y], to show where it breaks. Same options and shapes as
    /// <see cref="Stable"/>; do not train with it.</summary>
    public static Tensor Naive(Tensor logits, Tensor target, CrossEntropyOptions? options = null)
    {
        using var scope = NewDisposeScope();
        var x = CrossEntropyInputs.Prepare(logits, target, options ?? CrossEntropyOptions.Default);
        // 1. p = exp(z) / Σ_c exp(z_c): exp(z) is ∞ once z > ln(max float), and p is 0 once it is below the smallest subnormal.
        var e = x.Z.exp();                              // (M, C)
        var p = e / e.sum(-1, keepdim: true);           // (M, C)
        // 2. −log p[y]: ∞ where p underflowed, NaN where exp overflowed (∞/∞).
        var rows = x.RowLosses(() => p.log().neg(), idx => p.gather(1, idx).squeeze(1).log().neg());
        return x.Reduce(rows).MoveToOuterDisposeScope();
    }

    /// <summary>The numerically stable version (log-sum-exp with the max subtracted), differentiable through autograd.</summary>
    public static Tensor Stable(Tensor logits, Tensor target, CrossEntropyOptions? options = null)
    {
        using var scope = NewDisposeScope();
        var x = CrossEntropyInputs.Prepare(logits, target, options ?? CrossEntropyOptions.Default);
        // 1. m = max z per row (a constant shift: the identity holds for any m, so no gradient goes through the argmax).
        var m = x.Z.amax([-1], keepdim: true).detach();          // (M, 1)
        // 2. z − m ≤ 0, so exp cannot overflow and s = Σ exp(z − m) ≥ 1 (the max term is 1), so log s cannot be −∞.
        var shifted = x.Z - m;                                  // (M, C)
        var logS = shifted.exp().sum(-1, keepdim: true).log();  // (M, 1)
        // 3. −log p_c = log s − (z_c − m): logsumexp(z) − z_c with the max cancelled before it can cost digits. Written in
        //    this order rather than (m + log s) − z_c: at |z| ≈ 1e4 in float32, m + log s rounds to a multiple of
        //    ulp(1e4) ≈ 1e-3 and loses most of log s.
        var rows = x.RowLosses(() => logS - shifted, idx => (logS - shifted.gather(1, idx)).squeeze(1));
        return x.Reduce(rows).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The analytic gradient ∂L/∂logits, in the logits' shape and dtype, without autograd: per row
    /// (softmax(z)·Σ_c a_c − a) · scale, where a = (1−ε)·w[y]·onehot(y) + (ε/C)·w (0 on ignored rows) for class
    /// targets, a = w·((1−ε)·t + ε/C) for probability targets, and scale = 1/(the mean's divisor), 1 for sum, or
    /// the row's upstream gradient for none. <paramref name="gradOutput"/> is ∂(whatever follows)/∂loss: a single value
    /// for mean/sum, the loss's shape for none; null means ones.
    /// </summary>
    public static Tensor Gradient(Tensor logits, Tensor target, CrossEntropyOptions? options = null, Tensor? gradOutput = null)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = CrossEntropyInputs.Prepare(logits.detach(), target, options ?? CrossEntropyOptions.Default);
        var z = x.Z;
        var scale = x.RowScale(gradOutput);                      // (M)
        // softmax, in place on one (M, C) buffer: e = exp(z − m), then g = e · (scale·Σa / s) = p·Σa·scale.
        var e = (z - z.amax([-1], keepdim: true)).exp_();       // (M, C)
        var s = e.sum(-1);                                      // (M)
        if (x.Probs is not null)
        {
            var a = x.ProbCoefficients();                       // (M, C)
            var gp = e.mul_((scale * a.sum(-1) / s).unsqueeze(1)).sub_(a * scale.unsqueeze(1));
            return x.ToLogitsLayout(gp).MoveToOuterDisposeScope();
        }
        // Class targets: − a·scale without building a, as a broadcast smoothing term and a scatter at the targets.
        var (share, sum) = x.ClassCoefficients();               // (M), (M)
        var g = e.mul_((scale * sum / s).unsqueeze(1));         // (M, C)
        if (x.Options.LabelSmoothing > 0)
        {
            var perRow = (scale * x.Valid!.to(z.dtype) * (x.Options.LabelSmoothing / x.C)).unsqueeze(1); // (M, 1)
            g.sub_(x.Weight is null ? perRow : perRow * x.Weight);
        }
        g.scatter_add_(1, x.Classes!.unsqueeze(1), (-share * scale).unsqueeze(1));
        return x.ToLogitsLayout(g).MoveToOuterDisposeScope();
    }

    /// <summary>The reference: libtorch's fused <c>torch.nn.functional.cross_entropy</c> with the same options.</summary>
    public static Tensor Libtorch(Tensor logits, Tensor target, CrossEntropyOptions? options = null)
    {
        var o = options ?? CrossEntropyOptions.Default;
        return nn.functional.cross_entropy(logits, target, o.Weight, o.IgnoreIndex, o.Reduction, o.LabelSmoothing);
    }
}
