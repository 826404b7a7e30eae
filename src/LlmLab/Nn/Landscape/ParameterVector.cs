using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Nn.Landscape;

/// <summary>
/// A model's parameters seen as one long vector θ — the list of its tensors in <c>named_parameters()</c> order — with
/// the few vector operations a loss-landscape scan needs: clone, θ + α·d, dot product, norm, and copy back into the
/// model. Li et al. 2018 ("Visualizing the Loss Landscape of Neural Nets") work entirely in this space.
/// <para>Ownership: the vector owns detached copies of its tensors (outside any dispose scope) and frees them on
/// <see cref="Dispose"/>; tensors it returns through <see cref="Tensors"/> stay owned by it. Not thread-safe.</para>
/// </summary>
public sealed class ParameterVector : IDisposable
{
    readonly string[] _names;
    readonly Tensor[] _tensors;
    bool _disposed;

    ParameterVector(string[] names, Tensor[] tensors)
    {
        _names = names;
        _tensors = tensors;
    }

    /// <summary>Parameter names, e.g. <c>hidden.0.weight</c>, in the model's order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>The tensors (owned by this vector; read them, do not dispose them).</summary>
    public IReadOnlyList<Tensor> Tensors { get { ThrowIfDisposed(); return _tensors; } }

    /// <summary>Number of tensors.</summary>
    public int Count => _tensors.Length;

    /// <summary>Number of scalars (the dimension of the vector).</summary>
    public long Numel => _tensors.Sum(t => t.numel());

    /// <summary>A copy of <paramref name="module"/>'s current parameters.</summary>
    public static ParameterVector Of(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var named = module.named_parameters().ToList();
        if (named.Count == 0) throw new ArgumentException("the module has no parameters", nameof(module));
        return Own(named.Select(p => p.name).ToArray(), named.Select(p => (Tensor)p.parameter));
    }

    /// <summary>A vector of copies of <paramref name="tensors"/> (the caller keeps its own tensors).</summary>
    public static ParameterVector FromTensors(IEnumerable<(string Name, Tensor Value)> tensors)
    {
        var list = tensors.ToList();
        if (list.Count == 0) throw new ArgumentException("give at least one tensor", nameof(tensors));
        return Own(list.Select(t => t.Name).ToArray(), list.Select(t => t.Value));
    }

    /// <summary>A new vector with the same names whose tensor k is <paramref name="map"/>(k, tensor k). The results
    /// are copied, so <paramref name="map"/> may return temporaries of the current dispose scope.</summary>
    public ParameterVector Select(Func<int, Tensor, Tensor> map)
    {
        ThrowIfDisposed();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return Own(_names.ToArray(), _tensors.Select((t, k) => map(k, t)));
    }

    /// <summary>A deep copy.</summary>
    public ParameterVector Clone() => Select((_, t) => t);

    /// <summary>a·x + b·y, a new vector (x and y must have the same layout).</summary>
    public static ParameterVector Combine(double a, ParameterVector x, double b, ParameterVector y)
    {
        x.RequireSameLayout(y, nameof(y));
        return x.Select((k, t) => t.mul(a).add_(y._tensors[k], b));
    }

    /// <summary>In place: this ← this + α·<paramref name="direction"/>.</summary>
    public void Add(double alpha, ParameterVector direction)
    {
        RequireSameLayout(direction, nameof(direction));
        using var _ = no_grad();
        for (int k = 0; k < _tensors.Length; k++) _tensors[k].add_(direction._tensors[k], alpha);
    }

    /// <summary>⟨this, other⟩, accumulated in float64.</summary>
    public double Dot(ParameterVector other)
    {
        RequireSameLayout(other, nameof(other));
        using var scope = NewDisposeScope();
        double sum = 0;
        for (int k = 0; k < _tensors.Length; k++)
            sum += _tensors[k].to_type(ScalarType.Float64).mul(other._tensors[k].to_type(ScalarType.Float64)).sum().item<double>();
        return sum;
    }

    /// <summary>The Euclidean norm ‖this‖, accumulated in float64.</summary>
    public double Norm() => Math.Sqrt(Dot(this));

    /// <summary>Writes this vector into <paramref name="module"/>'s parameters (bit-exact copy; no autograd record).</summary>
    public void CopyTo(nn.Module module)
    {
        var parameters = Matching(module);
        using var _ = no_grad();
        for (int k = 0; k < _tensors.Length; k++) parameters[k].copy_(_tensors[k]);
    }

    /// <summary>Writes θ + α·d + β·e into <paramref name="module"/> without allocating a whole new vector: the scan's
    /// inner step. With α = β = 0 the module receives θ bit for bit.</summary>
    public void CopyTo(nn.Module module, double alpha, ParameterVector d, double beta, ParameterVector e)
    {
        RequireSameLayout(d, nameof(d));
        RequireSameLayout(e, nameof(e));
        var parameters = Matching(module);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        for (int k = 0; k < _tensors.Length; k++)
            parameters[k].copy_(_tensors[k].add(d._tensors[k], alpha).add_(e._tensors[k], beta));
    }

    /// <summary>Whether every tensor equals <paramref name="other"/>'s bit for bit (same shapes, dtypes and bytes).</summary>
    public bool BitEquals(ParameterVector other)
    {
        ThrowIfDisposed();
        if (!SameLayout(other)) return false;
        using var scope = NewDisposeScope();
        for (int k = 0; k < _tensors.Length; k++)
        {
            // Compare the raw bytes: bit equality, so −0 ≠ +0 and a NaN equals the same NaN.
            if (_tensors[k].dtype != other._tensors[k].dtype) return false;
            if (!_tensors[k].contiguous().bytes.SequenceEqual(other._tensors[k].contiguous().bytes)) return false;
        }
        return true;
    }

    /// <summary>Whether <paramref name="module"/>'s parameters equal this vector bit for bit.</summary>
    public bool BitEquals(nn.Module module)
    {
        using var current = Of(module);
        return BitEquals(current);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var t in _tensors) t.Dispose();
    }

    static ParameterVector Own(string[] names, IEnumerable<Tensor> tensors)
    {
        using var _ = no_grad();
        // Detach from autograd and from the caller's dispose scope: the vector is the owner.
        var owned = tensors.Select(t => t.detach().clone().DetachFromDisposeScope()).ToArray();
        return new ParameterVector(names, owned);
    }

    List<Tensor> Matching(nn.Module module)
    {
        ThrowIfDisposed();
        var parameters = module.parameters().Select(p => (Tensor)p).ToList();
        if (parameters.Count != _tensors.Length)
            throw new ArgumentException($"the module has {parameters.Count} parameter tensors, this vector {_tensors.Length}", nameof(module));
        for (int k = 0; k < parameters.Count; k++)
            if (!parameters[k].shape.SequenceEqual(_tensors[k].shape))
                throw new ArgumentException($"parameter {_names[k]}: the module's shape [{string.Join(", ", parameters[k].shape)}] " +
                                            $"differs from this vector's [{string.Join(", ", _tensors[k].shape)}]", nameof(module));
        return parameters;
    }

    bool SameLayout(ParameterVector other) =>
        other._tensors.Length == _tensors.Length && _tensors.Zip(other._tensors).All(p => p.First.shape.SequenceEqual(p.Second.shape));

    void RequireSameLayout(ParameterVector other, string name)
    {
        ThrowIfDisposed();
        other.ThrowIfDisposed();
        if (!SameLayout(other))
            throw new ArgumentException("the two parameter vectors have different layouts (tensor count or shapes); " +
                                        "build both from the same model", name);
    }

    void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
