namespace LlmLab.Nn.Attention;

/// <summary>One variant at one point of <see cref="AttentionBenchmark"/>: seconds per call and peak memory.</summary>
/// <param name="Length">T (queries = keys).</param>
/// <param name="Causal">Whether the call was causal.</param>
/// <param name="Pass">Forward alone, or forward + backward.</param>
/// <param name="Variant">"naive", "tiled", "tiled 64x256", "sdpa" (<see cref="AttentionVariant.Name"/>).</param>
/// <param name="MinSeconds">The fastest repeat.</param>
/// <param name="MedianSeconds">The median repeat.</param>
/// <param name="PeakBytes">How far one call raised the process's resident peak (<see cref="PeakResidentMemory"/>);
/// null when not measured. Inputs (q, k, v, dO) existed before the call and are not in it; outputs and gradients are.</param>
public sealed record AttentionTiming(int Length, bool Causal, AttentionPass Pass, string Variant, double MinSeconds, double MedianSeconds, long? PeakBytes);
