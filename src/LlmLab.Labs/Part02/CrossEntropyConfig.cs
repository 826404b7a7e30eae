using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part02;

/// <summary>Settings of lab 2.1 (keys of <c>--set</c> in snake_case). Immutable.</summary>
/// <param name="UniformVocabs">Vocabulary sizes at which uniform logits must give ln V.</param>
/// <param name="VerifyOptions">Option sets compared with libtorch (names of <c>CrossEntropyCase.OptionSets</c>).</param>
/// <param name="VerifyVocabs">Vocabulary sizes compared with libtorch, each in fp32 and fp64, random and ±1e4 logits.</param>
/// <param name="SweepRows">Rows of the direction d whose multiples s·d the scale sweep evaluates.</param>
/// <param name="SweepVocab">Classes of the sweep's logits.</param>
/// <param name="SweepPoints">Scales in the sweep, log-spaced.</param>
/// <param name="SweepFrom">Smallest scale.</param>
/// <param name="SweepTo">Largest scale.</param>
/// <param name="TimingRows">N of the timed batches (fewer when N·V would pass timing_max_elements).</param>
/// <param name="TimingVocabs">V of the timed batches.</param>
/// <param name="TimingMaxElements">Cap on N·V per timed batch, to bound memory and time.</param>
/// <param name="TimingRepeats">Timed repeats per variant (after one warm-up round); min and median are reported.</param>
public sealed record CrossEntropyConfig(
    IReadOnlyList<int> UniformVocabs,
    IReadOnlyList<string> VerifyOptions,
    IReadOnlyList<int> VerifyVocabs,
    int SweepRows,
    int SweepVocab,
    int SweepPoints,
    double SweepFrom,
    double SweepTo,
    int TimingRows,
    IReadOnlyList<int> TimingVocabs,
    long TimingMaxElements,
    int TimingRepeats)
{
    /// <summary>The defaults of a profile.</summary>
    public static CrossEntropyConfig For(Profile profile) => profile switch
    {
        // Smoke: four option sets at V ≤ 256, a coarse sweep, small timed batches: a few seconds.
        Profile.Smoke => Base with
        {
            VerifyOptions = ["mean", "weights+smoothing+ignore", "probs+weights+smoothing", "nct"], VerifyVocabs = [2, 256],
            SweepPoints = 61, TimingRows = 128, TimingVocabs = [256, 2048], TimingRepeats = 1,
        },
        // Quick: every option set up to GPT-2's vocabulary; timing at N = 4,096 capped to 2^20 logits per batch (4 MB in
        // fp32), so V = 8,192 runs 128 rows and 50,257 runs 20: at 2^24 the from-scratch fwd+bwd alone took seconds per call on
        // a 2-core CPU (each of its ~6 passes writes a fresh 64 MB tensor).
        Profile.Quick => Base,
        // Full: the timing at N = 4,096 for every V, GPT-2's 50,257 included (823 MB of logits per copy).
        _ => Base with { VerifyVocabs = [2, 256, 8192, 50257], SweepVocab = 50257, SweepPoints = 401, TimingMaxElements = 1L << 30,
                         TimingRepeats = 10 },
    };

    static readonly CrossEntropyConfig Base = new(
        // 2 (binary), 256 (bytes, the Part 2 models' vocabulary), 50,257 (GPT-2's BPE vocabulary, Radford et al. 2019).
        UniformVocabs: [2, 256, 50257],
        // Every option set: reductions, ignore_index, smoothing, weights, probability targets, (N, C, T), unbatched.
        VerifyOptions: ["mean", "sum", "none", "ignore", "ignore-in-range", "smoothing", "weights", "weights+smoothing+ignore",
            "weights+smoothing+ignore/sum", "probs", "probs+weights+smoothing", "probs+weights/none", "nct", "nct/mean", "unbatched"],
        // From the smallest vocabulary to GPT-2's (N = 2 rows at 50,257 keeps each case well under a second).
        VerifyVocabs: [2, 256, 50257],
        // 8 rows × 256 classes of N(0, 1): failure happens when the worst of 8 rows fails, as in a real batch.
        SweepRows: 8,
        SweepVocab: 256,
        // 151 points over 5 decades: a grid step of 8%, fine enough to place the failure against the prediction.
        SweepPoints: 151,
        // s = 0.1 (near-uniform) to 1e4 (the ±1e4 logits of the tests): past both float32 and float64 limits.
        SweepFrom: 0.1,
        SweepTo: 1e4,
        // The brief's N = 4,096 rows, as in a GPT-2 batch of 4 × 1,024 tokens.
        TimingRows: 4096,
        // 256 (bytes), 8,192 (a small BPE), 50,257 (GPT-2).
        TimingVocabs: [256, 8192, 50257],
        // 2^20 logits (4 MB per fp32 copy): the timing stays within ~10 s of a quick run on a 2-core CPU.
        TimingMaxElements: 1L << 20,
        // 3 repeats after the warm-up round: min and median; the full profile takes 10.
        TimingRepeats: 3);
}
