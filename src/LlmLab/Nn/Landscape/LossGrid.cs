namespace LlmLab.Nn.Landscape;

/// <summary>
/// A 2-D slice of the loss landscape around θ*: <c>Loss[j, i]</c> = L(θ* + α_i·δ + β_j·η) with α_i =
/// <see cref="Alphas"/>[i] along δ (columns) and β_j = <see cref="Betas"/>[j] along η (rows), both ascending from
/// −<see cref="Radius"/> to +<see cref="Radius"/>. With an odd number of points the centre (0, 0) is on the grid
/// and is θ* itself, bit for bit. Arrays are the caller's once returned.
/// </summary>
public sealed record LossGrid(double Radius, double[] Alphas, double[] Betas, double[,] Loss, double[,] Accuracy)
{
    /// <summary>Grid points per side.</summary>
    public int Size => Alphas.Length;

    /// <summary>The loss at the centre (θ*); only defined for an odd <see cref="Size"/>.</summary>
    public double CenterLoss => Size % 2 == 1 ? Loss[Size / 2, Size / 2]
        : throw new InvalidOperationException($"a grid of {Size} points per side has no centre point; use an odd size");

    /// <summary>Smallest and largest loss over the grid (ignoring NaN).</summary>
    public (double Min, double Max) LossRange()
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in Loss)
            if (!double.IsNaN(v)) { min = Math.Min(min, v); max = Math.Max(max, v); }
        return (min, max);
    }

    /// <summary>Coordinates α (or β) of a grid with <paramref name="points"/> per side over [−r, r]. Computed as
    /// r·(2i − (n−1))/(n−1) so that the middle coordinate of an odd grid is exactly 0.</summary>
    public static double[] Axis(double radius, int points)
    {
        if (points < 2) throw new ArgumentOutOfRangeException(nameof(points), $"a grid needs at least 2 points per side (got {points})");
        return Enumerable.Range(0, points).Select(i => radius * (2 * i - (points - 1)) / (points - 1)).ToArray();
    }

    /// <summary>ln(loss) with the loss clamped to [<paramref name="floor"/>, <paramref name="cap"/>] (NaN → cap): the
    /// values of a heat map whose colour scale is fixed in advance, so that two grids can share it.</summary>
    public double[,] ClippedLogLoss(double floor, double cap)
    {
        if (!(floor > 0 && cap > floor)) throw new ArgumentException($"need 0 < floor < cap (got floor {floor}, cap {cap})");
        var result = new double[Loss.GetLength(0), Loss.GetLength(1)];
        for (int j = 0; j < result.GetLength(0); j++)
            for (int i = 0; i < result.GetLength(1); i++)
                result[j, i] = Math.Log(double.IsNaN(Loss[j, i]) ? cap : Math.Clamp(Loss[j, i], floor, cap));
        return result;
    }

    /// <summary>Grid points whose loss is strictly below all their neighbours (8 inside, fewer on the border): 1 for a
    /// single smooth basin, many for the "chaotic" surfaces Li et al. 2018 show for deep nets without skips. NaN
    /// points are never minima.</summary>
    public int LocalMinima()
    {
        int rows = Loss.GetLength(0), cols = Loss.GetLength(1), count = 0;
        for (int j = 0; j < rows; j++)
            for (int i = 0; i < cols; i++)
            {
                double v = Loss[j, i];
                if (double.IsNaN(v)) continue;
                bool lowest = true;
                for (int dj = -1; dj <= 1 && lowest; dj++)
                    for (int di = -1; di <= 1 && lowest; di++)
                    {
                        int y = j + dj, x = i + di;
                        if ((dj == 0 && di == 0) || y < 0 || y >= rows || x < 0 || x >= cols) continue;
                        lowest = !(Loss[y, x] <= v);      // a NaN neighbour does not block a minimum
                    }
                if (lowest) count++;
            }
        return count;
    }
}
