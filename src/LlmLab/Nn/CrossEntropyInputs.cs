using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Nn;

/// <summary>
/// The arguments of one cross-entropy call, checked and laid out as rows: every target position becomes one row of C
/// logits, so the rest of the code handles (M, C) only. Also holds the parts of PyTorch's rule that do not depend on
/// how −log p is computed: the per-row weighting (class weights, label smoothing, ignore_index) and the reduction.
/// Key: N batch, C classes, d1…dk extra dims, M = N·d1·…·dk rows. Tensors are created in the caller's dispose scope.
/// </summary>
internal sealed class CrossEntropyInputs
{
    CrossEntropyInputs(CrossEntropyOptions options, long classes, long[] logitsShape, long[] lossShape)
    {
        Options = options;
        C = classes;
        LogitsShape = logitsShape;
        LossShape = lossShape;
    }

    public CrossEntropyOptions Options { get; }
    public long C { get; }
    public long[] LogitsShape { get; }
    /// <summary>Shape of the unreduced loss: the targets' shape, (N, d1, …), or () for unbatched logits (C).</summary>
    public long[] LossShape { get; }
    /// <summary>(M, C) logits, class dim last; differentiable back to the caller's logits.</summary>
    public Tensor Z { get; private init; } = null!;
    /// <summary>(M) int64 class targets with ignored entries replaced by 0 (a safe gather index); null for probabilities.</summary>
    public Tensor? Classes { get; private init; }
    /// <summary>(M) bool, false where the target equals ignore_index; null for probabilities.</summary>
    public Tensor? Valid { get; private init; }
    /// <summary>(M, C) probability targets; null for class indices.</summary>
    public Tensor? Probs { get; private init; }
    /// <summary>(C) class weights in the logits' dtype, or null.</summary>
    public Tensor? Weight { get; private init; }
    double Eps => Options.LabelSmoothing;

    /// <summary>Checks shapes, dtypes and target values (guard clauses naming the shapes), then lays out rows.</summary>
    public static CrossEntropyInputs Prepare(Tensor logits, Tensor target, CrossEntropyOptions options)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        long[] ls = logits.shape, ts = target.shape;
        string shapes = $"logits {Shp(ls)}, targets {Shp(ts)}";
        if (!logits.is_floating_point())
            throw new ArgumentException($"logits must be floating point (got {logits.dtype}; {shapes})", nameof(logits));
        if (ls.Length == 0)
            throw new ArgumentException($"logits must have shape (C), (N, C) or (N, C, d1, …) (got a scalar; {shapes})", nameof(logits));
        long c = ls.Length == 1 ? ls[0] : ls[1];
        if (c < 1) throw new ArgumentException($"logits need at least one class (C = 0; {shapes})", nameof(logits));
        if (!(options.LabelSmoothing is >= 0 and <= 1))
            throw new ArgumentException($"label_smoothing must be in [0, 1] (got {options.LabelSmoothing})", nameof(options));
        if (!Enum.IsDefined(options.Reduction))
            throw new ArgumentException($"reduction must be Mean, Sum or None (got {(int)options.Reduction})", nameof(options));
        var w = options.Weight;
        if (w is not null && (w.dim() != 1 || w.shape[0] != c || !w.is_floating_point()))
            throw new ArgumentException($"weight must be a floating-point tensor of shape ({c}) = (C) (got {w.dtype} {Shp(w.shape)}; {shapes})", nameof(options));

        bool probabilities = target.is_floating_point();
        long[] lossShape = ls.Length == 1 ? [] : ls.Take(1).Concat(ls.Skip(2)).ToArray();
        if (probabilities && !ts.SequenceEqual(ls))
            throw new ArgumentException($"probability targets must have the logits' shape {Shp(ls)} (got {Shp(ts)}; {shapes})", nameof(target));
        if (!probabilities && !IsInteger(target.dtype))
            throw new ArgumentException($"targets must be class indices (an integer dtype) or probabilities (floating point); got {target.dtype} ({shapes})", nameof(target));
        if (!probabilities && !ts.SequenceEqual(lossShape))
            throw new ArgumentException($"class-index targets must have shape {Shp(lossShape)}, the logits' shape without the class dim (got {Shp(ts)}; {shapes})", nameof(target));

        var z = Rows(logits, c);
        var weight = w?.to(logits.dtype, logits.device);
        if (probabilities)
            return new CrossEntropyInputs(options, c, ls, lossShape) { Z = z, Weight = weight, Probs = Rows(target.to(logits.dtype, logits.device), c) };

        // Class indices: every value is a class in [0, C) or ignore_index.
        var t = target.to(int64, logits.device).reshape(-1); // (M)
        var valid = t.ne(options.IgnoreIndex);
        var outside = t.lt(0).logical_or(t.ge(c)).logical_and(valid);
        if (outside.any().item<bool>())
        {
            long at = outside.nonzero()[0, 0].item<long>();
            throw new ArgumentException($"targets must be class indices in [0, {c}) or ignore_index ({options.IgnoreIndex}): " +
                $"found {t[at].item<long>()} at flat position {at:N0} ({shapes})", nameof(target));
        }
        return new CrossEntropyInputs(options, c, ls, lossShape)
        {
            Z = z, Weight = weight, Valid = valid, Classes = t.masked_fill(valid.logical_not(), 0),
        };
    }

    /// <summary>Per-row loss −Σ_c a_c·log p_c, with a the weighted, smoothed target distribution; 0 on ignored rows.
    /// Follows PyTorch's cross_entropy: (1−ε)·w[y]·(−log p_y) + (ε/C)·Σ_c w_c·(−log p_c). <paramref name="nll"/> gives
    /// −log p (M, C); <paramref name="nllAt"/> gives −log p at one index per row ((M, 1) → (M)), which is all that plain
    /// class targets need, so the full matrix is only built for smoothing and probability targets.</summary>
    public Tensor RowLosses(Func<Tensor> nll, Func<Tensor, Tensor> nllAt) // → (M)
    {
        if (Probs is not null) return (nll() * ProbCoefficients()).sum(-1);
        var rows = nllAt(Classes!.unsqueeze(1)); // (M)
        if (Weight is not null) rows = rows * TargetWeights();
        if (Eps > 0)
        {
            var full = nll();                                                      // (M, C)
            var smooth = Weight is null ? full.sum(-1) : (full * Weight).sum(-1);  // (M)
            rows = rows * (1 - Eps) + smooth * (Eps / C);
        }
        return rows.masked_fill(Valid!.logical_not(), 0.0);
    }

    /// <summary>Probability targets' distribution a = w·((1−ε)·t + ε/C), (M, C): ∂L_row/∂z = p·Σa − a.</summary>
    public Tensor ProbCoefficients()
    {
        var a = Eps > 0 ? Probs! * (1 - Eps) + Eps / C : Probs!;
        return Weight is not null ? a * Weight : a;
    }

    /// <summary>Class targets' distribution a = (1−ε)·w[y]·onehot(y) + (ε/C)·w, 0 on ignored rows, in parts that avoid
    /// an (M, C) one-hot: the target's share (1−ε)·w[y] (M), and Σ_c a_c = (1−ε)·w[y] + (ε/C)·Σw (M).</summary>
    public (Tensor TargetShare, Tensor Sum) ClassCoefficients()
    {
        var valid = Valid!.to(Z.dtype);
        var share = (Weight is null ? valid : TargetWeights() * valid) * (1 - Eps);           // (M)
        var smooth = Weight is null ? valid * Eps : valid * (Weight.sum() * (Eps / C));       // (M)
        return (share, share + smooth);
    }

    /// <summary>Reduces row losses (M) as the options say: mean, sum, or reshaped to <see cref="LossShape"/>.</summary>
    public Tensor Reduce(Tensor rows) => Options.Reduction switch
    {
        nn.Reduction.None => rows.reshape(LossShape),
        nn.Reduction.Sum => rows.sum(),
        _ => rows.sum() / Denominator(),
    };

    /// <summary>The scale that the reduction applies to each row's gradient, times the upstream gradient: (M).</summary>
    public Tensor RowScale(Tensor? gradOutput)
    {
        long m = Z.shape[0];
        var go = gradOutput?.to(Z.dtype, Z.device);
        if (Options.Reduction == nn.Reduction.None)
        {
            if (go is not null && !go.shape.SequenceEqual(LossShape))
                throw new ArgumentException($"gradOutput must have the loss's shape {Shp(LossShape)} (got {Shp(go.shape)})", nameof(gradOutput));
            return go is null ? ones(m, dtype: Z.dtype, device: Z.device) : go.reshape(m);
        }
        if (go is not null && go.numel() != 1)
            throw new ArgumentException($"gradOutput of a reduced loss must hold one value (got shape {Shp(go.shape)})", nameof(gradOutput));
        var scale = go?.reshape(1) ?? ones(1, dtype: Z.dtype, device: Z.device);
        if (Options.Reduction == nn.Reduction.Mean) scale = scale / Denominator();
        return scale.expand(m);
    }

    /// <summary>Puts a (M, C) tensor back in the logits' layout (C), (N, C) or (N, C, d1, …).</summary>
    public Tensor ToLogitsLayout(Tensor rows)
    {
        if (LogitsShape.Length <= 2) return rows.reshape(LogitsShape);
        long[] last = LogitsShape.Take(1).Concat(LogitsShape.Skip(2)).Append(C).ToArray(); // (N, d1, …, C)
        return rows.reshape(last).movedim([LogitsShape.Length - 1], [1]);
    }

    /// <summary>The mean's divisor. Class indices: Σ w[y] over non-ignored targets (the count when unweighted), as
    /// nll_loss does; probabilities: M, the number of rows, whatever the weights (PyTorch's cross_entropy).</summary>
    Tensor Denominator()
    {
        if (Probs is not null) return tensor((double)Z.shape[0], dtype: Z.dtype, device: Z.device);
        var counted = Valid!.to(Z.dtype);
        return (Weight is null ? counted : TargetWeights() * counted).sum();
    }

    Tensor TargetWeights() => Weight!.gather(0, Classes!); // (M)

    /// <summary>(C) → (1, C); (N, C) as is; (N, C, d1, …) → (N·d1·…, C).</summary>
    static Tensor Rows(Tensor t, long c) => t.dim() switch
    {
        1 => t.unsqueeze(0),
        2 => t,
        _ => t.movedim([1], [t.dim() - 1]).reshape(-1, c),
    };

    static bool IsInteger(ScalarType t) => t is ScalarType.Int64 or ScalarType.Int32 or ScalarType.Int16 or ScalarType.Int8 or ScalarType.Byte;
    internal static string Shp(long[] shape) => "(" + string.Join(", ", shape) + ")";
}
