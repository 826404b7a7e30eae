using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part05;

/// <summary>Settings of lab 5.2 (keys of <c>--set</c> in snake_case). Immutable.</summary>
/// <param name="MaxDocuments">Documents analysed from the start of the corpus (0: all of it).</param>
/// <param name="Tokenizer">Tokenizer for token lengths and token frequencies: gpt2, cl100k_base, or none.</param>
/// <param name="Workers">Threads analysing shards of each block of documents.</param>
/// <param name="Block">Documents read per block (what is in memory at once).</param>
/// <param name="MergeCheckDocuments">Documents on which one single-threaded pass is compared with merged shards.</param>
/// <param name="ZipfMinRank">First rank of the Zipf fit.</param>
/// <param name="ZipfMaxRank">Last rank of the Zipf fit.</param>
/// <param name="ZipfMinCount">Types seen fewer times are left out of the Zipf fit.</param>
/// <param name="HeapsMinWords">The Heaps fit starts at this many words read.</param>
/// <param name="LangIdMinChars">Held-out lines shorter than this are not scored.</param>
/// <param name="LangIdMinAccuracy">The held-out accuracy the language identifier must reach.</param>
/// <param name="ExamplesPerRule">Removed documents shown per rule.</param>
/// <param name="TopSources">Rows of the per-source table.</param>
public sealed record CorpusAnalysisConfig(
    int MaxDocuments,
    string Tokenizer,
    int Workers,
    int Block,
    int MergeCheckDocuments,
    int ZipfMinRank,
    int ZipfMaxRank,
    long ZipfMinCount,
    long HeapsMinWords,
    int LangIdMinChars,
    double LangIdMinAccuracy,
    int ExamplesPerRule,
    int TopSources)
{
    /// <summary>The defaults of a profile.</summary>
    public static CorpusAnalysisConfig For(Profile profile) => profile switch
    {
        // Smoke: seconds. 1,000 documents (the first assemblies only) are enough for every fit and every table.
        Profile.Smoke => Base with { MaxDocuments = 1_000, MergeCheckDocuments = 200, ZipfMaxRank = 2_000, TopSources = 8 },
        // Quick: about a minute on 2 cores.
        Profile.Quick => Base,
        // Full: the whole SDK-docs corpus (77,797 documents) and a larger merge check.
        _ => Base with { MaxDocuments = 0, MergeCheckDocuments = 10_000, TopSources = 25 },
    };

    static readonly CorpusAnalysisConfig Base = new(
        // 30,000 of the 77,797 SDK-docs documents: a third of the corpus, across ~100 assemblies, in about a minute.
        MaxDocuments: 30_000,
        // GPT-2's BPE: the tokenizer most corpus statistics are quoted in.
        Tokenizer: "gpt2",
        // Both cores of the reference machine.
        Workers: 2,
        // 512 documents per block: the merge costs little next to the analysis, and memory stays bounded.
        Block: 512,
        // 2,000 documents analysed twice more (one pass, and shards merged): the exactness claim on real text.
        MergeCheckDocuments: 2_000,
        // Ranks 10..10,000: above the few function words that bend the head, below the hapax tail.
        ZipfMinRank: 10,
        ZipfMaxRank: 10_000,
        // Types seen fewer than 5 times have quantised frequencies (1, 2, 3 …) that flatten the curve.
        ZipfMinCount: 5,
        // Heaps' law describes growth once the first function words are in: from 1,000 words on.
        HeapsMinWords: 1_000,
        // The bar: lines of at least 50 characters, 95% correct.
        LangIdMinChars: 50,
        LangIdMinAccuracy: 0.95,
        ExamplesPerRule: 2,
        TopSources: 15);
}
