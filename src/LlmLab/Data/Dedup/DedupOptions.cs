using System.Globalization;

namespace LlmLab.Data.Dedup;

/// <summary>
/// Settings of the dedup pipeline. Immutable. Each stage records the settings it depends on in its output file, and
/// a later stage refuses an input made with different ones (see <see cref="StageSettings"/>).
/// </summary>
public sealed record DedupOptions
{
    /// <summary>How texts are normalised before hashing and shingling.</summary>
    public NormalizationOptions Normalization { get; init; } = NormalizationOptions.Default;

    /// <summary>Word or character shingles.</summary>
    public ShingleKind ShingleKind { get; init; } = ShingleKind.Words;

    /// <summary>n of the n-grams: 5 words (Lee et al. 2022 and datatrove use 5-grams).</summary>
    public int ShingleSize { get; init; } = 5;

    /// <summary>MinHash permutations k: 128 (datasketch's default; error √(J(1−J)/k) ≤ 0.044).</summary>
    public int Permutations { get; init; } = 128;

    /// <summary>Seed of the permutations (datasketch's default seed is 1; any fixed value works).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Jaccard similarity from which two documents are near-duplicates: 0.8 (Lee et al. 2022 and datatrove's
    /// defaults for web text).</summary>
    public double Threshold { get; init; } = 0.8;

    /// <summary>Bands b; null = chosen with <see cref="Rows"/> by <see cref="LshParameters.Optimal"/>.</summary>
    public int? Bands { get; init; }

    /// <summary>Rows r per band; null = chosen with <see cref="Bands"/>.</summary>
    public int? Rows { get; init; }

    /// <summary>
    /// Default weight of the S-curve's false-positive area when b × r is chosen: 0.05, against 0.95 for the
    /// false-negative area (datasketch's defaults are 0.5 / 0.5).
    /// </summary>
    /// <remarks>
    /// Why skewed toward recall: every LSH candidate is verified by its exact Jaccard, so a false positive costs one merge
    /// of two shingle sets (microseconds) and never removes a document wrongly, while a false negative is a duplicate left
    /// in the corpus. 0.05 / 0.95 is the least skew of datasketch's rule at which pairs just above the threshold are
    /// found at least 97% of the time: for J ≥ 0.8 and 128 permutations it gives 16 bands × 8 rows, P(candidate) 0.947
    /// at J = 0.8 and a mean of 0.976 over [0.80, 0.85), so F1 ≥ 0.97 holds even when every duplicate sits just above
    /// the threshold. 0.5 / 0.5 gives 9 × 13 (0.40 at 0.8, 0.54 over [0.80, 0.85): F1 0.93 on a planted set), 0.1 / 0.9
    /// gives 14 × 9 (0.93 over that bin); more skew (0.02 / 0.98: 17 × 7) doubles the candidates at J = 0.5 for 1.6
    /// more points of recall at the threshold. Figures: LshParametersTests and lsh_golden.py.
    /// </remarks>
    public const double DefaultFalsePositiveWeight = 0.05;

    /// <summary>Default weight of the false-negative area (see <see cref="DefaultFalsePositiveWeight"/>).</summary>
    public const double DefaultFalseNegativeWeight = 0.95;

    /// <summary>Weight of the false-positive area when b × r is chosen (<see cref="DefaultFalsePositiveWeight"/>: why).</summary>
    public double FalsePositiveWeight { get; init; } = DefaultFalsePositiveWeight;

    /// <summary>Weight of the false-negative area when b × r is chosen.</summary>
    public double FalseNegativeWeight { get; init; } = DefaultFalseNegativeWeight;

    /// <summary>Only exact dedup: no shingles, signatures or LSH.</summary>
    public bool ExactOnly { get; init; }

    /// <summary>Which document of a near-duplicate cluster is kept.</summary>
    public KeepRule Keep { get; init; } = KeepRule.First;

    /// <summary>LSH buckets larger than this (a template shared by thousands of documents) pair each member with its
    /// neighbour in the bucket instead of with every member, so candidate pairs stay linear in the bucket's size.</summary>
    public int MaxBucketPairs { get; init; } = 100;

    /// <summary>Worker threads (results do not depend on it).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>The banding: <see cref="Bands"/> × <see cref="Rows"/> when both are given, else the optimum for the threshold.</summary>
    public LshParameters Banding() => Bands is { } b && Rows is { } r ? new LshParameters(b, r)
        : LshParameters.Optimal(Threshold, Permutations, FalsePositiveWeight, FalseNegativeWeight);

    /// <summary>Rejects settings that cannot run, naming the option and the fix (CLI spelling).</summary>
    /// <exception cref="InputException"/>
    public void Validate()
    {
        if (ShingleSize < 1 || ShingleSize > 64) throw new InputException($"--shingle must be between 1 and 64 (got {ShingleSize})");
        if (Permutations < 1 || Permutations > 4096) throw new InputException($"--perm must be between 1 and 4096 (got {Permutations})");
        if (!(Threshold > 0 && Threshold < 1))
            throw new InputException(
                $"--threshold must be between 0 and 1, exclusive (got {Threshold.ToString(CultureInfo.InvariantCulture)})");
        if (Bands.HasValue != Rows.HasValue)
            throw new InputException("--bands and --rows go together: give both, or neither to choose them from --threshold");
        if (Bands is { } b && Rows is { } r && (b < 1 || r < 1 || b * r > Permutations))
            throw new InputException($"--bands × --rows must be ≥ 1 and at most --perm ({Permutations}) (got {b} × {r})");
        if (!(FalsePositiveWeight >= 0 && FalseNegativeWeight >= 0 && FalsePositiveWeight + FalseNegativeWeight > 0))
            throw new InputException("the false-positive and false-negative weights must be ≥ 0 and not both 0");
        if (MaxBucketPairs < 2) throw new InputException($"the largest fully paired bucket must be ≥ 2 (got {MaxBucketPairs})");
        if (Threads < 1) throw new InputException($"--threads must be ≥ 1 (got {Threads})");
    }
}
