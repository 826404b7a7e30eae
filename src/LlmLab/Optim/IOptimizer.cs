using static TorchSharp.torch;

namespace LlmLab.Optim;

/// <summary>
/// What a training loop needs from an optimizer: update the parameters from their gradients (<see cref="Step"/>),
/// clear the gradients (<see cref="ZeroGrad"/>), a learning rate that a schedule can set before every step, the
/// parameter groups (each with its own weight decay) and the per-parameter state, by name, for checkpoints.
/// Implementations own their state tensors and free them on <see cref="IDisposable.Dispose"/>. Not thread-safe.
/// </summary>
public interface IOptimizer : IDisposable
{
    /// <summary>The learning rate η used by the next <see cref="Step"/>; set it each step from an <see cref="LrSchedule"/>.</summary>
    double LearningRate { get; set; }

    /// <summary>The parameter groups, in the order given.</summary>
    IReadOnlyList<ParameterGroup> Groups { get; }

    /// <summary>One update of every parameter that has a gradient, in place, under <c>no_grad</c>.</summary>
    void Step();

    /// <summary>Sets every parameter's gradient to zero (in place), ready for the next backward pass.</summary>
    void ZeroGrad();

    /// <summary>The state of each parameter (step count and tensors such as <c>exp_avg</c>), keyed by parameter name.
    /// The tensors are live: a checkpoint saves them as they are, and restores by <c>copy_</c> into them (or by
    /// <see cref="ParameterState.Set"/>) and by setting <see cref="ParameterState.Step"/>.</summary>
    IReadOnlyDictionary<string, ParameterState> State { get; }

    /// <summary>Every state tensor as ("parameter name/state name", tensor), e.g. ("input.weight/exp_avg", m): the
    /// flat naming a checkpoint file can use. The tensors are owned by the optimizer; do not dispose them.</summary>
    IEnumerable<KeyValuePair<string, Tensor>> NamedStateTensors();

    /// <summary>
    /// Replaces the whole state with a saved one (a checkpoint's): each parameter's step count from
    /// <paramref name="steps"/>, and its state tensors from <paramref name="tensors"/>, named as
    /// <see cref="NamedStateTensors"/> names them. Values are copied (onto each parameter's device and dtype); the caller
    /// keeps its tensors. State an optimizer creates lazily (SGD's momentum buffer appears at the first update) is created
    /// here when the saved state has it, so a resumed run continues with the very same buffers.
    /// </summary>
    /// <exception cref="ArgumentException">A step count or a state tensor this optimizer needs is missing, or one names
    /// a parameter or a state this optimizer does not have, or has another shape; the message names it. The state is then
    /// unspecified: load again or dispose.</exception>
    void LoadState(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, long> steps);
}
