using System.Globalization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmLab.Optim;

/// <summary>
/// An optimizer and all of its hyper-parameters as one immutable value, able to build our implementation
/// (<see cref="Create(IEnumerable{ParameterGroup})"/>) or libtorch's built-in with the very same settings
/// (<see cref="CreateBuiltIn(IEnumerable{ParameterGroup})"/>), every value passed explicitly — TorchSharp's defaults differ from PyTorch's
/// (<c>AdamW</c>'s weight decay is 0, PyTorch's 0.01). Fields that do not apply to the kind are ignored.
/// </summary>
/// <param name="Kind">Which optimizer.</param>
/// <param name="LearningRate">η.</param>
/// <param name="WeightDecay">λ: L2 in the gradient for SGD and Adam, decoupled for AdamW.</param>
/// <param name="Momentum">SGD's μ.</param>
/// <param name="Dampening">SGD's τ.</param>
/// <param name="Nesterov">SGD's Nesterov momentum.</param>
/// <param name="Beta1">Adam's β₁.</param>
/// <param name="Beta2">Adam's β₂.</param>
/// <param name="Eps">Adam's ε.</param>
/// <param name="Amsgrad">Adam's AMSGrad variant.</param>
public sealed record OptimizerSpec(
    OptimizerKind Kind,
    double LearningRate,
    double WeightDecay = 0,
    double Momentum = 0,
    double Dampening = 0,
    bool Nesterov = false,
    double Beta1 = 0.9,
    double Beta2 = 0.999,
    double Eps = 1e-8,
    bool Amsgrad = false)
{
    /// <summary>Our implementation over <paramref name="groups"/>; the caller disposes it.</summary>
    public IOptimizer Create(IEnumerable<ParameterGroup> groups) => Kind switch
    {
        OptimizerKind.Sgd => new Sgd(groups, LearningRate, Momentum, Dampening, WeightDecay, Nesterov),
        OptimizerKind.Adam => new Adam(groups, LearningRate, Beta1, Beta2, Eps, WeightDecay, Amsgrad),
        OptimizerKind.AdamW => new AdamW(groups, LearningRate, Beta1, Beta2, Eps, WeightDecay, Amsgrad),
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), $"unknown optimizer kind {Kind}"),
    };

    /// <summary>Our implementation over one group of <paramref name="parameters"/>; the caller disposes it.</summary>
    public IOptimizer Create(IEnumerable<Parameter> parameters) => Create([ParameterGroup.Of(parameters)]);

    /// <summary>libtorch's <c>torch.optim.SGD/Adam/AdamW</c> with the same settings over one group; the caller disposes it.</summary>
    public optim.Optimizer CreateBuiltIn(IEnumerable<Parameter> parameters) => CreateBuiltIn([ParameterGroup.Of(parameters)]);

    /// <summary>libtorch's built-in with the same settings and the same groups (each group's weight decay, or
    /// <see cref="WeightDecay"/> when it sets none); the caller disposes it.</summary>
    public optim.Optimizer CreateBuiltIn(IEnumerable<ParameterGroup> groups)
    {
        var gs = groups.ToList();
        IEnumerable<Parameter> Ps(ParameterGroup g) => g.Parameters.Select(p => p.Parameter).ToList();
        double Wd(ParameterGroup g) => g.WeightDecay ?? WeightDecay;
        return Kind switch
        {
            OptimizerKind.Sgd =>
                new SGD(gs.Select(g => new SGD.ParamGroup(Ps(g), LearningRate, Momentum, Dampening, Wd(g), Nesterov, maximize: false)),
                LearningRate, Momentum, Dampening, WeightDecay, Nesterov, maximize: false),
            OptimizerKind.Adam =>
                new TorchSharp.Modules.Adam(gs.Select(g => new TorchSharp.Modules.Adam.ParamGroup(Ps(g), LearningRate, Beta1, Beta2, Eps,
                Wd(g), Amsgrad, maximize: false)),
                LearningRate, Beta1, Beta2, Eps, WeightDecay, Amsgrad, maximize: false),
            OptimizerKind.AdamW =>
                new TorchSharp.Modules.AdamW(gs.Select(g => new TorchSharp.Modules.AdamW.ParamGroup(Ps(g), LearningRate, Beta1, Beta2, Eps,
                Wd(g), Amsgrad, maximize: false)),
                LearningRate, Beta1, Beta2, Eps, WeightDecay, Amsgrad, maximize: false),
            _ => throw new ArgumentOutOfRangeException(nameof(Kind), $"unknown optimizer kind {Kind}"),
        };
    }

    /// <summary>A short label naming the kind and the settings that matter for it, e.g. "SGD lr=0.1 μ=0.9 nesterov".</summary>
    public string Label
    {
        get
        {
            static string F(double v) => v.ToString("G3", CultureInfo.InvariantCulture);
            var parts = new List<string> { Name(Kind), "lr=" + F(LearningRate) };
            if (Kind == OptimizerKind.Sgd)
            {
                if (Momentum != 0) parts.Add("μ=" + F(Momentum));
                if (Dampening != 0) parts.Add("τ=" + F(Dampening));
                if (Nesterov) parts.Add("nesterov");
            }
            if (WeightDecay != 0) parts.Add("wd=" + F(WeightDecay));
            if (Kind != OptimizerKind.Sgd && Amsgrad) parts.Add("amsgrad");
            return string.Join(' ', parts);
        }
    }

    /// <summary>Display name of a kind: "SGD", "Adam", "AdamW".</summary>
    public static string Name(OptimizerKind kind) => kind switch { OptimizerKind.Sgd => "SGD", OptimizerKind.Adam => "Adam", _ => "AdamW" };
}
