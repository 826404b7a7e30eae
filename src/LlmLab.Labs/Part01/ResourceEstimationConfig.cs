using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part01;

/// <summary>Settings of lab 1.3 (keys of <c>--set</c> in snake_case). Immutable.</summary>
/// <param name="Models">Presets to tabulate (ModelPresets names).</param>
/// <param name="WeightDtype">Weights' format for the inference table.</param>
/// <param name="Seq">Tokens per sequence (prompt + output) for inference, and per training sequence.</param>
/// <param name="Batch">Sequences served at once.</param>
/// <param name="TrainMicroBatch">Sequences per GPU per training step.</param>
/// <param name="ZeroParameters">Model size for the ZeRO table.</param>
/// <param name="ZeroGpus">Data-parallel GPUs for the ZeRO table.</param>
/// <param name="ProbeLayers">Layers of the small models built and weighed with TorchSharp.</param>
/// <param name="ProbeWidth">Hidden size of the probes.</param>
/// <param name="ProbeHeads">Query heads of the probes.</param>
/// <param name="ProbeKvHeads">Key/value heads of the Llama-style probe (grouped-query attention).</param>
/// <param name="ProbeExperts">Experts per layer of the Llama-style probe (top-2 routing; 1 = dense).</param>
/// <param name="ProbeVocab">Vocabulary of the probes.</param>
/// <param name="ProbeContext">Sequence length of the probes' one training step.</param>
/// <param name="ProbeBatch">Batch of the probes' one training step.</param>
public sealed record ResourceEstimationConfig(
    IReadOnlyList<string> Models,
    string WeightDtype,
    int Seq,
    int Batch,
    int TrainMicroBatch,
    long ZeroParameters,
    int ZeroGpus,
    int ProbeLayers,
    int ProbeWidth,
    int ProbeHeads,
    int ProbeKvHeads,
    int ProbeExperts,
    int ProbeVocab,
    int ProbeContext,
    int ProbeBatch)
{
    /// <summary>The defaults of a profile. The tables are arithmetic (instant) at every profile; only the probes grow.</summary>
    public static ResourceEstimationConfig For(Profile profile) => profile switch
    {
        // Smoke: probes of ~0.1M parameters, one step in well under a second.
        Profile.Smoke => Base with { ProbeLayers = 2, ProbeWidth = 64, ProbeHeads = 4, ProbeKvHeads = 2, ProbeExperts = 4,
                                     ProbeVocab = 512, ProbeContext = 32, ProbeBatch = 2 },
        // Quick: ~5M-parameter probes, a few seconds on a 2-core CPU.
        Profile.Quick => Base with { ProbeLayers = 4, ProbeWidth = 256, ProbeHeads = 8, ProbeKvHeads = 4, ProbeExperts = 4,
                                     ProbeVocab = 8192, ProbeContext = 128, ProbeBatch = 4 },
        // Full: the GPT-style probe is GPT-2 124M itself (124,439,808 parameters, ~2 GB of fp32 states).
        _ => Base with { ProbeLayers = 12, ProbeWidth = 768, ProbeHeads = 12, ProbeKvHeads = 4, ProbeExperts = 4,
                         ProbeVocab = 50257, ProbeContext = 256, ProbeBatch = 2 },
    };

    static readonly ResourceEstimationConfig Base = new(
        // The presets with published parameter totals, from 124M to 70B, dense, GQA and MoE.
        Models: ["gpt2", "llama-2-7b", "llama-3-8b", "mistral-7b", "mixtral-8x7b", "llama-2-70b"],
        // bf16: how these models are published and served.
        WeightDtype: "bf16",
        // 4,096 tokens: Llama-2's full context, where the KV cache starts to matter.
        Seq: 4096,
        // 8 concurrent sequences: a modest serving batch; the KV cache scales linearly with it.
        Batch: 8,
        // 1 sequence per GPU: the smallest training step, the activations' lower bound.
        TrainMicroBatch: 1,
        // 7.5B parameters on 64 GPUs: the example of the ZeRO paper's Figure 1.
        ZeroParameters: 7_500_000_000,
        ZeroGpus: 64,
        ProbeLayers: 2, ProbeWidth: 64, ProbeHeads: 4, ProbeKvHeads: 2, ProbeExperts: 4,
        ProbeVocab: 512, ProbeContext: 32, ProbeBatch: 2);
}
