using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part05;

/// <summary>Settings of lab 5.1 (keys of <c>--set</c> in snake_case). Immutable.</summary>
/// <param name="CorpusDocuments">Documents of the corpus (the SDK docs unless --corpus) the pipeline runs on: a prefix, so overloads stay together.</param>
/// <param name="SampleDocuments">Documents of that slice whose every pair is compared by brute force (the ground truth).</param>
/// <param name="FortuneFiles">Files of Debian's fortunes package deduplicated and checked by brute force (empty: skip; "all": every file).</param>
/// <param name="Threshold">Jaccard similarity from which two documents are near-duplicates.</param>
/// <param name="Shingle">Words per shingle.</param>
/// <param name="Permutations">MinHash signature length.</param>
/// <param name="Seed">MinHash permutations' seed.</param>
/// <param name="FalsePositiveWeight">Weight of the S-curve's false-positive area when b × r is chosen.</param>
/// <param name="FalseNegativeWeight">Weight of its false-negative area.</param>
/// <param name="MinF1">The F1 the near-dup pairs must reach against brute force (the goal).</param>
public sealed record DedupLabConfig(
    int CorpusDocuments,
    int SampleDocuments,
    IReadOnlyList<string> FortuneFiles,
    double Threshold,
    int Shingle,
    int Permutations,
    long Seed,
    double FalsePositiveWeight,
    double FalseNegativeWeight,
    double MinF1)
{
    /// <summary>The defaults of a profile.</summary>
    public static DedupLabConfig For(Profile profile) => profile switch
    {
        // Smoke: seconds. 2,000 SDK documents, brute force on 600, three fortune files that share quotations (979 entries).
        Profile.Smoke => Base with { CorpusDocuments = 2_000, SampleDocuments = 600, FortuneFiles = ["knghtbrd", "linux", "linuxcookie"] },
        // Quick: about a minute on 2 cores. A quarter of the SDK docs; the six fortune files where most cross-file duplicates are.
        Profile.Quick => Base,
        // Full: the whole default corpus (77,797 documents on SDK 10) and every fortune file (~15,000 entries, 113 M pairs).
        _ => Base with { CorpusDocuments = 1_000_000, SampleDocuments = 10_000, FortuneFiles = ["all"] },
    };

    static readonly DedupLabConfig Base = new(
        // 20,000 documents: a quarter of the SDK docs, ~4 MB, enough for hundreds of overload clusters.
        CorpusDocuments: 20_000,
        // 3,000 documents: 4.5 M pairs compared exactly, a few seconds.
        SampleDocuments: 3_000,
        // ~4,100 entries holding most of the package's cross-file duplicates (linux/linuxcookie, computers/cookie, cookie/people).
        FortuneFiles: ["computers", "cookie", "knghtbrd", "linux", "linuxcookie", "people"],
        // 0.8: Lee et al. 2022's and datatrove's near-duplicate threshold.
        Threshold: 0.8,
        // Word 5-grams, as Lee et al. 2022 and datatrove.
        Shingle: 5,
        // 128: datasketch's default; the estimate's standard deviation is at most 0.044.
        Permutations: 128,
        Seed: 1,
        // datasketch's weights: the two error areas count the same.
        FalsePositiveWeight: 0.5,
        FalseNegativeWeight: 0.5,
        // The goal for near-dup pairs at J ≥ 0.8.
        MinF1: 0.95);
}
