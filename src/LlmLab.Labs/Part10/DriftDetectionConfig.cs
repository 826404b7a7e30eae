using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part10;

/// <summary>Settings of lab 10.2 (keys of <c>--set</c> in snake_case). Immutable.</summary>
/// <param name="MessagesPerGroup">SpamAssassin messages drawn from each collection compared.</param>
/// <param name="DocumentsPerSource">Default-corpus documents taken from each of the two sources compared.</param>
/// <param name="EmbeddedTexts">Texts per side embedded with MiniLM for the MMD and classifier tests.</param>
/// <param name="EmbedChars">Characters of each text given to MiniLM (its cost grows with the length; it reads 256 tokens at most).</param>
/// <param name="Permutations">Label shuffles of the MMD permutation test (alibi-detect's default: 100).</param>
/// <param name="ReferenceRows">Rows of the reference in the injected-shift stream (≤ 1,000: Evidently's statistical tests).</param>
/// <param name="StreamRows">Rows of the monitored stream.</param>
/// <param name="Onset">First row of the stream with the injected shift.</param>
/// <param name="InjectionRate">Share of rows after the onset that carry the shift (an appended boilerplate paragraph).</param>
/// <param name="Window">Rows per sliding window.</param>
/// <param name="Step">Rows between evaluations of the window.</param>
public sealed record DriftDetectionConfig(int MessagesPerGroup, int DocumentsPerSource, int EmbeddedTexts, int EmbedChars, int Permutations, int ReferenceRows,
    int StreamRows, int Onset, double InjectionRate, int Window, int Step)
{
    public static DriftDetectionConfig For(Profile profile) => profile switch
    {
        // seconds: small samples still hold a few hundred rows per side, enough for the tests to mean something
        Profile.Smoke => new(MessagesPerGroup: 120, DocumentsPerSource: 120, EmbeddedTexts: 32, EmbedChars: 400, Permutations: 50, ReferenceRows: 200,
            StreamRows: 500, Onset: 300, InjectionRate: 0.5, Window: 80, Step: 10),
        Profile.Quick => new(MessagesPerGroup: 400, DocumentsPerSource: 400, EmbeddedTexts: 150, EmbedChars: 1500, Permutations: 100, ReferenceRows: 500,
            StreamRows: 2000, Onset: 1200, InjectionRate: 0.5, Window: 200, Step: 20),
        _ => new(MessagesPerGroup: 2000, DocumentsPerSource: 2000, EmbeddedTexts: 500, EmbedChars: 1500, Permutations: 200, ReferenceRows: 1000,
            StreamRows: 6000, Onset: 3000, InjectionRate: 0.5, Window: 500, Step: 25),
    };
}
