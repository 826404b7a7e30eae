using static TorchSharp.torch;

namespace LlmLab.Optim;

/// <summary>
/// An optimizer's memory for one parameter: how many updates it has had (<see cref="Step"/>, the t of Adam's bias
/// correction) and named tensors (SGD's <c>momentum_buffer</c>; Adam's <c>exp_avg</c>, <c>exp_avg_sq</c>,
/// <c>max_exp_avg_sq</c> — PyTorch's names, so checkpoints read alike). Owns its tensors. Not thread-safe.
/// </summary>
public sealed class ParameterState : IDisposable
{
    readonly Dictionary<string, Tensor> _tensors = new(StringComparer.Ordinal);

    /// <summary>Updates applied to this parameter so far.</summary>
    public long Step { get; set; }

    public IReadOnlyDictionary<string, Tensor> Tensors => _tensors;

    /// <summary>The named tensor, or null when it does not exist yet (e.g. the momentum buffer before the first step).</summary>
    public Tensor? Get(string name) => _tensors.GetValueOrDefault(name);

    /// <summary>Stores <paramref name="value"/> under <paramref name="name"/>, taking ownership (it leaves any dispose
    /// scope) and disposing the tensor it replaces.</summary>
    public void Set(string name, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (_tensors.TryGetValue(name, out var old) && !ReferenceEquals(old, value)) old.Dispose();
        _tensors[name] = value.DetachFromDisposeScope();
    }

    public void Dispose()
    {
        foreach (var t in _tensors.Values) t.Dispose();
        _tensors.Clear();
    }
}
