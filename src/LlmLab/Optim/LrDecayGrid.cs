namespace LlmLab.Optim;

/// <summary>
/// A learning rate × weight decay grid of final losses — the layout of Loshchilov &amp; Hutter 2019, Figure 2 — and
/// the question it answers: does the best learning rate move when the weight decay changes? For each decay, the best
/// learning rate is the one with the lowest finite loss; the spread of log10(best LR) across decays measures how
/// much the two hyper-parameters are coupled (0 = the best rate does not move at all). Immutable.
/// </summary>
public sealed class LrDecayGrid
{
    readonly double[,] _loss;

    /// <param name="learningRates">Column values, ascending.</param>
    /// <param name="decays">Row values, ascending.</param>
    /// <param name="loss">loss[d, l]: final loss at decays[d], learningRates[l]; NaN or +∞ for a diverged run.</param>
    public LrDecayGrid(IReadOnlyList<double> learningRates, IReadOnlyList<double> decays, double[,] loss)
    {
        if (loss.GetLength(0) != decays.Count || loss.GetLength(1) != learningRates.Count)
            throw new ArgumentException(
                $"loss must be {decays.Count} decays × {learningRates.Count} learning rates (got " +
                $"{loss.GetLength(0)} × {loss.GetLength(1)})");
        if (learningRates.Any(l => !(l > 0))) throw new ArgumentOutOfRangeException(nameof(learningRates), "learning rates must be > 0");
        LearningRates = learningRates.ToArray();
        Decays = decays.ToArray();
        _loss = (double[,])loss.Clone();
    }

    public IReadOnlyList<double> LearningRates { get; }
    public IReadOnlyList<double> Decays { get; }

    /// <summary>The final loss at decay row <paramref name="d"/>, learning-rate column <paramref name="l"/>.</summary>
    public double Loss(int d, int l) => _loss[d, l];

    /// <summary>Column of the lowest finite loss in row <paramref name="d"/>, or −1 if every run of that row diverged.</summary>
    public int BestLrIndex(int d)
    {
        int best = -1;
        for (int l = 0; l < LearningRates.Count; l++)
            if (double.IsFinite(_loss[d, l]) && (best < 0 || _loss[d, l] < _loss[d, best])) best = l;
        return best;
    }

    /// <summary>The best learning rate of each decay row (NaN where all diverged).</summary>
    public IReadOnlyList<double> BestLearningRates() =>
        Enumerable.Range(0, Decays.Count).Select(d => BestLrIndex(d) is int l and >= 0 ? LearningRates[l] : double.NaN).ToArray();

    /// <summary>max − min of log10(best LR) over the rows that have one, in decades; 0 when fewer than two rows do.</summary>
    public double Log10BestLrSpread()
    {
        var logs = BestLearningRates().Where(double.IsFinite).Select(Math.Log10).ToList();
        return logs.Count < 2 ? 0 : logs.Max() - logs.Min();
    }

    /// <summary>The lowest finite loss of the whole grid (+∞ if none).</summary>
    public double BestLoss()
    {
        double best = double.PositiveInfinity;
        foreach (double v in _loss) if (double.IsFinite(v) && v < best) best = v;
        return best;
    }
}
