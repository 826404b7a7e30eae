using LlmLab.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmLab.Optim;

/// <summary>
/// The shared part of our optimizers: parameter groups, the learning rate, per-parameter state and the loop of
/// <see cref="Step"/>, which calls <see cref="Update"/> once per parameter that has a gradient, under <c>no_grad</c>
/// and in a dispose scope (temporaries are freed; state tensors persist). A subclass writes only the update rule.
/// Owns the state tensors (disposed with the optimizer), not the parameters. Not thread-safe.
/// </summary>
public abstract class OptimizerBase : IOptimizer
{
    readonly List<ParameterGroup> _groups;
    readonly Dictionary<string, ParameterState> _state = new(StringComparer.Ordinal);
    double _lr;
    bool _disposed;

    /// <param name="groups">Parameter groups; parameter names must be unique across them.</param>
    /// <param name="learningRate">η, ≥ 0.</param>
    /// <param name="weightDecay">λ for groups that do not set their own, ≥ 0.</param>
    protected OptimizerBase(IEnumerable<ParameterGroup> groups, double learningRate, double weightDecay)
    {
        TorchRuntime.EnsureLoaded();
        ArgumentNullException.ThrowIfNull(groups);
        _groups = groups.ToList();
        LearningRate = learningRate;
        if (!(weightDecay >= 0 && double.IsFinite(weightDecay)))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), $"weight decay must be a finite value >= 0 (got {weightDecay})");
        WeightDecay = weightDecay;
        var seen = new HashSet<IntPtr>();
        foreach (var g in _groups)
            foreach (var (name, p) in g.Parameters)
            {
                if (!_state.TryAdd(name, new ParameterState()))
                    throw new ArgumentException(
                        $"parameter name '{name}' appears twice (group '{g.Name}'); give each parameter a unique name");
                if (!seen.Add(p.Handle))
                    throw new ArgumentException(
                        $"parameter '{name}' (group '{g.Name}') is already in another group; put each parameter in one group");
            }
        if (_state.Count == 0) throw new ArgumentException("the optimizer got no parameters; pass the model's parameters()");
    }

    public double LearningRate
    {
        get => _lr;
        set => _lr = value >= 0 && double.IsFinite(value) ? value
            : throw new ArgumentOutOfRangeException(nameof(LearningRate), $"learning rate must be a finite value >= 0 (got {value})");
    }

    /// <summary>The weight decay λ of groups that do not set their own.</summary>
    public double WeightDecay { get; }

    public IReadOnlyList<ParameterGroup> Groups => _groups;
    public IReadOnlyDictionary<string, ParameterState> State => _state;

    public void Step()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope(); // frees every temporary of the step; state tensors are detached from it
        foreach (var group in _groups)
        {
            double decay = group.WeightDecay ?? WeightDecay;
            foreach (var (name, p) in group.Parameters)
            {
                var grad = p.grad;
                if (grad is null) continue; // a parameter the loss did not reach: no update, its step count stays (as in PyTorch)
                var state = _state[name];
                state.Step++;
                Update(p, grad, state, _lr, decay);
            }
        }
    }

    /// <summary>
    /// Updates <paramref name="parameter"/> in place from <paramref name="grad"/> (do not modify the gradient: compute
    /// a new tensor instead). <paramref name="state"/>.Step has already been incremented (t = 1 at the first update).
    /// Runs under <c>no_grad</c> in a dispose scope: temporaries need no disposal; store persistent tensors with
    /// <see cref="ParameterState.Set"/>.
    /// </summary>
    protected abstract void Update(Parameter parameter, Tensor grad, ParameterState state, double lr, double weightDecay);

    public void ZeroGrad()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = NewDisposeScope();
        foreach (var group in _groups)
            foreach (var (_, p) in group.Parameters)
                p.grad?.zero_();
    }

    public IEnumerable<KeyValuePair<string, Tensor>> NamedStateTensors() =>
        from kv in _state
        from t in kv.Value.Tensors
        select new KeyValuePair<string, Tensor>(kv.Key + "/" + t.Key, t.Value);

    public void LoadState(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, long> steps)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(steps);
        var parameters = _groups.SelectMany(g => g.Parameters).ToDictionary(p => p.Name, p => p.Parameter, StringComparer.Ordinal);
        // 1. Everything named must exist here: a saved state of another model or optimizer is refused, not half-applied.
        foreach (string name in steps.Keys)
            if (!_state.ContainsKey(name)) throw new ArgumentException($"saved optimizer step count for unknown parameter '{name}'");
        var saved = new List<(string Parameter, string State, Tensor Value)>();
        foreach (var (key, value) in tensors)
        {
            int slash = key.LastIndexOf('/');
            if (slash <= 0 || slash == key.Length - 1 || !parameters.TryGetValue(key[..slash], out var p))
                throw new ArgumentException($"saved optimizer state '{key}' names no parameter of this optimizer " +
                    "(expected 'parameter/state')");
            if (!value.shape.SequenceEqual(p.shape))
                throw new ArgumentException($"saved optimizer state '{key}' is ({string.Join(", ", value.shape)}), " +
                    $"its parameter ({string.Join(", ", p.shape)})");
            saved.Add((key[..slash], key[(slash + 1)..], value));
        }
        // 2. Every state tensor this optimizer already holds (eager ones: Adam's moments) must be in the saved state.
        foreach (var (key, _) in NamedStateTensors())
            if (!tensors.ContainsKey(key)) throw new ArgumentException($"saved optimizer state has no '{key}'");
        foreach (var (name, state) in _state)
            state.Step = steps.TryGetValue(name, out long t) ? t
                : throw new ArgumentException($"saved optimizer state has no step count for '{name}'");
        // 3. Copy the values: into the existing tensors, or as new ones for state created lazily.
        using var noGrad = no_grad();
        foreach (var (name, stateName, value) in saved)
        {
            var state = _state[name];
            if (state.Get(stateName) is { } existing) existing.copy_(value);
            else
            {
                var p = parameters[name];
                state.Set(stateName, value.to(p.dtype, p.device, copy: true));
            }
        }
    }

    /// <summary>Checks a hyper-parameter and returns it, or throws naming it and the range it must lie in.</summary>
    protected static double Require(string name, double value, double min, double maxExclusive)
    {
        if (!(value >= min && value < maxExclusive))
            throw new ArgumentOutOfRangeException(name, $"{name} must be in [{min}, {maxExclusive}) (got {value})");
        return value;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var s in _state.Values) s.Dispose();
        GC.SuppressFinalize(this);
    }
}
