namespace LlmLab.Alignment.Refusal;

/// <summary>
/// Binary logistic regression, ours, in plain doubles: p(y = 1 | x) = σ(w·x + b), trained by minimising the mean
/// cross-entropy plus λ/2·‖w‖² (the bias is not penalised) with Nesterov's accelerated gradient (step 1/L, where
/// L = max‖x̃‖²/4 + λ bounds the Hessian for x̃ = (x, 1); momentum (√κ − 1)/(√κ + 1), κ = L/λ) and O'Donoghue and
/// Candès' (2015) gradient restart. The objective is strictly convex in w, so the optimum is unique and a test can
/// compare it with libtorch's L-BFGS on the same problem. Immutable once trained; thread-safe to score.
/// </summary>
public sealed class LogisticRegression
{
    /// <param name="weights">One weight per feature dimension (not copied).</param>
    /// <param name="bias">The intercept.</param>
    public LogisticRegression(double[] weights, double bias)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Any(w => !double.IsFinite(w)) || !double.IsFinite(bias)) throw new InputException("a logistic-regression weight is " +
            "not finite");
        (Weights, Bias) = (weights, bias);
    }

    /// <summary>The weights (do not change them).</summary>
    public double[] Weights { get; }

    /// <summary>The intercept.</summary>
    public double Bias { get; }

    /// <summary>Gradient steps the training took (0 for a loaded model).</summary>
    public int Iterations { get; private init; }

    /// <summary>Whether training met the tolerance before the iteration cap.</summary>
    public bool Converged { get; private init; } = true;

    /// <summary>σ(w·x + b).</summary>
    public double Probability(FeatureVector x) => Sigmoid(x.Dot(Weights) + Bias);

    /// <summary>The logistic function, computed without overflow for large |z|.</summary>
    public static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    /// <summary>The objective at (w, b) and its gradient: mean over examples of softplus(z) − y·z (= cross-entropy of
    /// σ(z)), z = w·x + b, plus λ/2·‖w‖². Gradient: mean (σ(z) − y)·x + λw, and mean (σ(z) − y) for b.</summary>
    public static (double Loss, double[] GradW, double GradB) Objective(IReadOnlyList<FeatureVector> x, IReadOnlyList<bool> y, double[] w,
        double b,
        double l2)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var g = new double[w.Length];
        double loss = 0, gb = 0;
        for (int i = 0; i < x.Count; i++)
        {
            double z = x[i].Dot(w) + b;
            loss += (z > 0 ? z + double.LogP1(Math.Exp(-z)) : double.LogP1(Math.Exp(z))) - (y[i] ? z : 0);
            double r = Sigmoid(z) - (y[i] ? 1 : 0);
            x[i].AddTo(g, r);
            gb += r;
        }
        double n = x.Count, sq = 0;
        for (int j = 0; j < w.Length; j++) { g[j] = g[j] / n + l2 * w[j]; sq += w[j] * w[j]; }
        return (loss / n + 0.5 * l2 * sq, g, gb / n);
    }

    /// <summary>Trains on (<paramref name="x"/>, <paramref name="y"/>) over <paramref name="dimension"/> features, from zero.</summary>
    /// <exception cref="InputException">No example, mismatched counts, a single class, or a feature beyond the dimension.</exception>
    public static LogisticRegression Train(IReadOnlyList<FeatureVector> x, IReadOnlyList<bool> y, int dimension,
        LogisticRegressionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var o = options ?? new LogisticRegressionOptions();
        o.Validate();
        if (x.Count == 0 || x.Count != y.Count) throw new InputException($"need as many labels as examples, at least one (got {x.Count} " +
            $"and {y.Count})");
        if (y.All(v => v) || y.All(v => !v)) throw new InputException("the training data holds a single class: a classifier needs " +
            "unsafe and safe examples");
        if (x.Any(v => v.Extent > dimension)) throw new InputException($"a feature vector is longer than the dimension {dimension}");
        double lipschitz = x.Max(v => v.SquaredNorm + 1) / 4 + o.L2, step = 1 / lipschitz;
        double sk = Math.Sqrt(lipschitz / o.L2), momentum = (sk - 1) / (sk + 1);
        double[] w = new double[dimension], wPrev = new double[dimension], v = new double[dimension];
        double b = 0, bPrev = 0, vb = 0;
        int it = 0;
        bool converged = false;
        for (; it < o.MaxIterations; it++)
        {
            // 1. gradient at the look-ahead point v; 2. gradient step from v; 3. restart momentum when it points uphill.
            var (_, g, gb) = Objective(x, y, v, vb, o.L2);
            if (Math.Abs(gb) < o.Tolerance && g.All(e => Math.Abs(e) < o.Tolerance)) { (w, b) = (v, vb); converged = true; break; }
            Array.Copy(w, wPrev, dimension);
            bPrev = b;
            w = new double[dimension];
            for (int j = 0; j < dimension; j++) w[j] = v[j] - step * g[j];
            b = vb - step * gb;
            double uphill = gb * (b - bPrev);
            for (int j = 0; j < dimension; j++) uphill += g[j] * (w[j] - wPrev[j]);
            double m = uphill > 0 ? 0 : momentum;
            v = new double[dimension];
            for (int j = 0; j < dimension; j++) v[j] = w[j] + m * (w[j] - wPrev[j]);
            vb = b + m * (b - bPrev);
        }
        return new LogisticRegression(w, b) { Iterations = it, Converged = converged };
    }
}
