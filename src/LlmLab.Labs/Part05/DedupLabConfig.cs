using LlmLab.Text;
using LlmLab.Data.Dedup;
using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part05;

/// <summary>Settings of lab 5.1 (keys of <c>--set</c> in snake_case). Immutable.</summary>
/// <param name="CorpusDocuments">Documents of the corpus (the SDK docs unless --corpus) the pipeline runs on: a prefix, so overloads stay
/// together.</param>
/// <param name="SampleDocuments">Documents of that slice whose every pair is compared by brute force (the ground truth).</param>
/// <param name="FortuneFiles">Files of Debian's fortunes package deduplicated and checked by brute force (empty: skip; "all": every
/// file).</param>
/// <param name="FortunesFolder">Where the fortunes package's files are (Debian's place by default).</param>
/// <param name="Threshold">Jaccard similarity from which two documents are near-duplicates.</param>
/// <param name="Shingle">Words per shingle.</param>
/// <param name="Permutations">MinHash signature length.</param>
/// <param name="Seed">MinHash permutations' seed.</param>
/// <param name="FalsePositiveWeight">Weight of the S-curve's false-positive area when b × r is chosen.</param>
/// <param name="FalseNegativeWeight">Weight of its false-negative area.</param>
/// <param name="MinF1">The F1 the near-dup pairs must reach against brute force (the goal).</param>
/// <param name="PlantedPairs">Pairs of the planted set (base + copy edited to a Jaccard drawn from 0.5–1.0).</param>
/// <param name="MinPlantedF1">The F1 the planted set's pairs must reach at the threshold (the goal: 0.97).</param>
public sealed record DedupLabConfig(
    int CorpusDocuments,
    int SampleDocuments,
    IReadOnlyList<string> FortuneFiles,
    string FortunesFolder,
    double Threshold,
    int Shingle,
    int Permutations,
    long Seed,
    double FalsePositiveWeight,
    double FalseNegativeWeight,
    double MinF1,
    int PlantedPairs,
    double MinPlantedF1)
{
    /// <summary>The defaults of a profile.</summary>
    public static DedupLabConfig For(Profile profile) => profile switch
    {
        // Smoke: seconds. 2,000 SDK documents, brute force on 600, three fortune files that share quotations (979 entries).
        Profile.Smoke => Base with
        {
            CorpusDocuments = 2_000, SampleDocuments = 600, FortuneFiles = ["knghtbrd", "linux", "linuxcookie"], PlantedPairs = 300,
        },
        // Quick: about a minute on 2 cores. A quarter of the SDK docs; the six fortune files where most cross-file duplicates are.
        Profile.Quick => Base,
        // Full: the whole default corpus (77,797 documents on SDK 10) and every fortune file (~15,000 entries, 113 M pairs).
        _ => Base with { CorpusDocuments = 1_000_000, SampleDocuments = 10_000, FortuneFiles = ["all"], PlantedPairs = 5_000 },
    };

    static readonly DedupLabConfig Base = new(
        // 20,000 documents: a quarter of the SDK docs, ~4 MB, enough for hundreds of overload clusters.
        CorpusDocuments: 20_000,
        // 3,000 documents: 4.5 M pairs compared exactly, a few seconds.
        SampleDocuments: 3_000,
        // ~4,100 entries holding most of the package's cross-file duplicates (linux/linuxcookie, computers/cookie, cookie/people).
        FortuneFiles: ["computers", "cookie", "knghtbrd", "linux", "linuxcookie", "people"],
        FortunesFolder: FortuneSource.DefaultFolder,
        // 0.8: Lee et al. 2022's and datatrove's near-duplicate threshold.
        Threshold: 0.8,
        // Word 5-grams, as Lee et al. 2022 and datatrove.
        Shingle: 5,
        // 128: datasketch's default; the estimate's standard deviation is at most 0.044.
        Permutations: 128,
        Seed: 1,
        // The pipeline's weights, skewed toward recall: candidates are verified exactly, so a false positive costs only
        // time (DedupOptions.DefaultFalsePositiveWeight says why these values).
        FalsePositiveWeight: DedupOptions.DefaultFalsePositiveWeight,
        FalseNegativeWeight: DedupOptions.DefaultFalseNegativeWeight,
        // The goal for near-dup pairs at J ≥ 0.8.
        MinF1: 0.95,
        // 1,000 pairs: ~400 above the threshold, ~100 per 0.05-wide bin; brute force over 2 M pairs takes seconds.
        PlantedPairs: 1_000,
        // Issue 13's goal for the planted set at J ≥ 0.8.
        MinPlantedF1: 0.97);
}
