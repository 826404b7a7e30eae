namespace LlmLab.Inference.Serving;

/// <summary>How a <see cref="BatchScheduler"/> forms its batches.</summary>
public enum BatchingMode
{
    /// <summary>
    /// Iteration-level scheduling (Orca, Yu et al. OSDI 2022; vLLM): at every decode step, waiting requests join the
    /// running batch while the limits allow, and a finished sequence leaves at once, freeing its slot.
    /// </summary>
    Continuous,

    /// <summary>
    /// Request-level batching: a batch forms from the waiting requests when none is running, and runs until its last
    /// sequence finishes; requests that arrive meanwhile wait for the next batch (the baseline of Lab 9.1).
    /// </summary>
    Static,
}
