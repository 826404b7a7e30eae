namespace LlmLab.Monitoring.Drift;

/// <summary>
/// A small L2-regularised logistic regression on standardised features, trained by full-batch gradient descent — the
/// domain classifier of <see cref="ClassifierTwoSampleTest"/>. Deterministic (no randomness); immutable once fitted.
/// </summary>
public sealed class LogisticRegression
{
    readonly double[] _w, _mean, _scale;
    readonly double _b;

    LogisticRegression(double[] w, double b, double[] mean, double[] scale) => (_w, _b, _mean, _scale) = (w, b, mean, scale);

    /// <summary>Fits labels <paramref name="y"/> (0/1) on rows <paramref name="x"/>.</summary>
    /// <param name="x">Rows of one dimension.</param>
    /// <param name="y">Labels.</param>
    /// <param name="l2">Penalty λ·‖w‖²/2 (keeps the fit finite on separable data, e.g. high-dimensional embeddings).</param>
    /// <param name="steps">Gradient steps.</param>
    /// <param name="learningRate">Step size (standardised inputs make 0.5 safe: the loss's curvature is at most ¼·dim).</param>
    public static LogisticRegression Fit(IReadOnlyList<float[]> x, IReadOnlyList<int> y, double l2 = 1e-2, int steps = 300, double learningRate = 0.5)
    {
        if (x.Count == 0 || x.Count != y.Count) throw new ArgumentException("need one label per row and at least one row");
        int n = x.Count, dim = x[0].Length;
        var mean = new double[dim];
        var scale = new double[dim];
        for (int k = 0; k < dim; k++)
        {
            double m = 0;
            for (int i = 0; i < n; i++) m += x[i][k];
            m /= n;
            double v = 0;
            for (int i = 0; i < n; i++) v += (x[i][k] - m) * (x[i][k] - m);
            (mean[k], scale[k]) = (m, Math.Sqrt(v / n) is var s && s > 1e-12 ? s : 1);
        }
        var z = new double[n][];
        for (int i = 0; i < n; i++)
        {
            z[i] = new double[dim];
            for (int k = 0; k < dim; k++) z[i][k] = (x[i][k] - mean[k]) / scale[k];
        }
        var w = new double[dim];
        double b = 0;
        double lr = learningRate / Math.Max(1, Math.Sqrt(dim)); // keep steps stable as the dimension grows
        var grad = new double[dim];
        for (int step = 0; step < steps; step++)
        {
            Array.Clear(grad);
            double gb = 0;
            for (int i = 0; i < n; i++)
            {
                double err = Sigmoid(Dot(w, z[i]) + b) - y[i];
                for (int k = 0; k < dim; k++) grad[k] += err * z[i][k];
                gb += err;
            }
            for (int k = 0; k < dim; k++) w[k] -= lr * (grad[k] / n + l2 * w[k]);
            b -= lr * gb / n;
        }
        return new LogisticRegression(w, b, mean, scale);
    }

    /// <summary>P(label 1 | row).</summary>
    public double Predict(float[] row)
    {
        double s = _b;
        for (int k = 0; k < _w.Length; k++) s += _w[k] * (row[k] - _mean[k]) / _scale[k];
        return Sigmoid(s);
    }

    static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int k = 0; k < a.Length; k++) s += a[k] * b[k];
        return s;
    }

    static double Sigmoid(double t) => t >= 0 ? 1 / (1 + Math.Exp(-t)) : Math.Exp(t) / (1 + Math.Exp(t));
}
