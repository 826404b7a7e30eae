using TorchSharp.Modules;

namespace LlmLab.Optim;

/// <summary>
/// A named set of parameters that share optimizer settings — today the weight decay, which a trainer applies to
/// matrices but not to biases and norms (see <see cref="DecayMatricesOnly"/>). Each parameter carries a name, the
/// key of its state in checkpoints. Immutable; the parameters themselves are owned by their module.
/// </summary>
public sealed class ParameterGroup
{
    /// <param name="name">The group's name, for logs and checkpoints.</param>
    /// <param name="parameters">(name, parameter) pairs, e.g. a module's <c>named_parameters()</c>.</param>
    /// <param name="weightDecay">This group's weight decay λ; null = the optimizer's.</param>
    public ParameterGroup(string name, IEnumerable<(string Name, Parameter Parameter)> parameters, double? weightDecay = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(parameters);
        if (weightDecay is { } wd && !(wd >= 0 && double.IsFinite(wd)))
            throw new ArgumentOutOfRangeException(nameof(weightDecay),
                $"weight decay of group '{name}' must be a finite value >= 0 (got {wd})");
        Name = name;
        Parameters = parameters.ToList();
        WeightDecay = weightDecay;
    }

    public string Name { get; }
    public IReadOnlyList<(string Name, Parameter Parameter)> Parameters { get; }
    public double? WeightDecay { get; }

    /// <summary>One group of unnamed parameters, named "0", "1", … in order (as PyTorch numbers them in a state dict).</summary>
    public static ParameterGroup Of(IEnumerable<Parameter> parameters, double? weightDecay = null) =>
        new("default", parameters.Select((p, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), p)), weightDecay);

    /// <summary>
    /// Two groups: "decay" (tensors of rank ≥ 2 — weight matrices and embeddings) with <paramref name="weightDecay"/>,
    /// and "no_decay" (biases, norm gains) with none: the split nanoGPT's <c>configure_optimizers</c> makes, since
    /// shrinking a bias or a norm gain toward 0 does not regularise the function the way shrinking a matrix does.
    /// </summary>
    public static IReadOnlyList<ParameterGroup> DecayMatricesOnly(IEnumerable<(string Name, Parameter Parameter)> named, double weightDecay)
    {
        var all = named.ToList();
        return
        [
            new ParameterGroup("decay", all.Where(p => p.Parameter.dim() >= 2), weightDecay),
            new ParameterGroup("no_decay", all.Where(p => p.Parameter.dim() < 2), 0.0),
        ];
    }
}
