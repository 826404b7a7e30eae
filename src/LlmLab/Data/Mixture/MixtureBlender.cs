namespace LlmLab.Data.Mixture;

/// <summary>
/// Decides which source the next piece of a mixture comes from so that the realised proportions track the targets
/// exactly at every point of the stream, not just on average: the next piece is drawn from the source furthest below
/// its target share of what has been taken so far. This is the rule of Megatron-LM's blended dataset
/// (<c>build_blending_indices</c> in megatron/core/datasets/helpers.cpp), here counted in tokens rather than samples so that
/// pieces of different lengths are accounted for.
/// </summary>
/// <remarks>
/// After each piece, every source's taken tokens stay within two pieces of its target share (about one in practice: a
/// source below target is the one drawn next, and can only fall further while other pieces are added before), so with
/// pieces of at most c tokens in a stream of N tokens, |realised − target| &lt; 2c / N. Deterministic (ties go to the lower index; no
/// randomness at all). Not thread-safe.
/// </remarks>
public sealed class MixtureBlender
{
    readonly double[] _targets;
    readonly long[] _taken;

    /// <param name="proportions">Target proportions, each ≥ 0, summing to 1 (see <see cref="MixtureWeights"/>).</param>
    public MixtureBlender(IReadOnlyList<double> proportions)
    {
        ArgumentNullException.ThrowIfNull(proportions);
        if (proportions.Count == 0 || proportions.Any(p => !(p >= 0)) || Math.Abs(proportions.Sum() - 1) > 1e-9)
            throw new ArgumentException("proportions must be >= 0 and sum to 1", nameof(proportions));
        _targets = proportions.ToArray();
        _taken = new long[_targets.Length];
    }

    /// <summary>Tokens taken so far from each source.</summary>
    public IReadOnlyList<long> Taken => _taken;

    /// <summary>Tokens taken so far in all.</summary>
    public long Total { get; private set; }

    /// <summary>The source the next piece should come from: argmax_i (p_i · max(N, 1) − taken_i) over sources with p_i &gt; 0.</summary>
    public int Choose()
    {
        double scale = Math.Max(Total, 1); // at the start every deficit is p_i: the largest share goes first
        int best = -1;
        double bestDeficit = double.NegativeInfinity;
        for (int i = 0; i < _targets.Length; i++)
        {
            if (_targets[i] == 0) continue;
            double deficit = _targets[i] * scale - _taken[i];
            if (deficit > bestDeficit) (best, bestDeficit) = (i, deficit);
        }
        return best;
    }

    /// <summary>Records that <paramref name="tokens"/> tokens were taken from <paramref name="source"/>.</summary>
    public void Add(int source, long tokens)
    {
        if ((uint)source >= (uint)_taken.Length) throw new ArgumentOutOfRangeException(nameof(source));
        if (tokens < 0) throw new ArgumentOutOfRangeException(nameof(tokens));
        _taken[source] += tokens;
        Total += tokens;
    }

    /// <summary>The realised proportion of each source so far (zeros before anything is taken).</summary>
    public double[] Realised() => _taken.Select(t => Total == 0 ? 0 : (double)t / Total).ToArray();
}
