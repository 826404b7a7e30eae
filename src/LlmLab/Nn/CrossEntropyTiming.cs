namespace LlmLab.Nn;

/// <summary>One variant timed by <see cref="CrossEntropyBenchmark"/>: seconds per call over the repeats.</summary>
/// <param name="Variant">"naive", "stable", "stable + analytic gradient" or "libtorch".</param>
/// <param name="Backward">Whether the call includes the gradient with respect to the logits.</param>
/// <param name="Rows">N, rows of logits.</param>
/// <param name="Vocab">V, classes.</param>
/// <param name="MinSeconds">The fastest repeat.</param>
/// <param name="MedianSeconds">The median repeat.</param>
public sealed record CrossEntropyTiming(string Variant, bool Backward, long Rows, long Vocab, double MinSeconds, double MedianSeconds);
