using LlmLab.Nn.Moe;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmLab.Nn.Gpt;

/// <summary>
/// A Mixture-of-Experts feed-forward layer, in place of a block's MLP (Shazeer et al. 2017; Switch Transformer, Fedus et
/// al. 2021; Mixtral, Jiang et al. 2024): E expert MLPs (each a <see cref="GptMlp"/> of <c>intermediate_size</c> width,
/// GELU or SwiGLU as the config says) and a linear router d → E without bias (Mixtral's <c>gate</c>). Per forward:
/// <list type="number">
/// <item>route every token in fp32: softmax over E, top k, weights (<see cref="MoeRouting"/>);</item>
/// <item>plan the dispatch by expert, dropping assignments past each expert's capacity when the config sets a capacity
/// factor (<see cref="MoeDispatchPlan"/>);</item>
/// <item>for each expert, gather its tokens into one (nₑ, d) matrix, run the expert once on it, and scale the rows by
/// their weights — a loop over E experts, never over tokens;</item>
/// <item>scatter-add the rows back to their tokens (a dropped token gets 0: the block's residual carries it); dropout;</item>
/// <item>the auxiliary loss α · E·Σ fᵢPᵢ + β · z-loss (<see cref="MoeLosses"/>), and <see cref="LastStats"/>.</item>
/// </list>
/// Parameter names: <c>gate.weight</c>, <c>experts.{e}.c_fc.weight</c>, … Shapes: x (B, T, d), N = B·T tokens.
/// Not thread-safe (a module; <see cref="LastStats"/> is per instance); dispose it.
/// </summary>
public sealed class MoeFeedForward : nn.Module
{
    readonly Linear gate;
    readonly ModuleList<GptMlp> experts;
    readonly Dropout dropout;
    readonly int _k;
    readonly double _alpha, _beta;
    readonly double? _capacityFactor;

    /// <param name="config">A Mixture-of-Experts shape (validated by the caller).</param>
    /// <param name="device">Where the weights are allocated (null: libtorch's default device).</param>
    /// <exception cref="ArgumentException">A dense config (no <c>num_local_experts</c>).</exception>
    public MoeFeedForward(GptConfig config, Device? device = null) : base(nameof(MoeFeedForward))
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!config.IsMixtureOfExperts) throw new ArgumentException("config num_local_experts is not set: this config is dense", nameof(config));
        gate = nn.Linear(config.Width, config.Experts, hasBias: false, device: device);
        // Dropout once on the combined output, as the dense MLP applies it once; the experts themselves have none.
        var expert = config with { Dropout = 0 };
        experts = new ModuleList<GptMlp>(Enumerable.Range(0, config.Experts).Select(_ => new GptMlp(expert, device)).ToArray());
        dropout = nn.Dropout(config.Dropout);
        (_k, _alpha, _beta) = (config.ExpertsPerToken, config.AuxLossCoefficient, config.ZLossCoefficient);
        _capacityFactor = config.HasExpertCapacity ? config.CapacityFactor : null;
        RegisterComponents();
    }

    /// <summary>E, experts.</summary>
    public int ExpertCount => experts.Count;

    /// <summary>k, experts per token.</summary>
    public int TopK => _k;

    /// <summary>The experts (owned by this module).</summary>
    public IReadOnlyList<GptMlp> ExpertModules => new System.Collections.ObjectModel.ReadOnlyCollection<GptMlp>(experts);

    /// <summary>The router's weight (E, d), a parameter owned by this module.</summary>
    public Tensor RouterWeight => gate.weight!;

    /// <summary>What the last <see cref="Forward"/> did; null before the first.</summary>
    public MoeRoutingStats? LastStats { get; private set; }

    /// <summary>The router's decision for x (B, T, d) or (N, d), without running the experts; tensors in the caller's scope.</summary>
    public MoeRouting Route(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var flat = x.reshape(-1, x.shape[^1]);                                                       // (N, d)
        // The router in fp32 whatever the model's dtype (Switch Transformer §2.4, "selective precision").
        var logits = nn.functional.linear(flat.to(ScalarType.Float32), gate.weight!.to(ScalarType.Float32)); // (N, E)
        return MoeRouting.Compute(logits, _k);
    }

    /// <summary>
    /// x (B, T, d) → the layer's output (B, T, d) and its auxiliary loss (a scalar, fp32, already weighted by α and β),
    /// both new tensors the caller owns; updates <see cref="LastStats"/>.
    /// </summary>
    public (Tensor Output, Tensor AuxLoss) Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        var flat = x.reshape(-1, x.shape[^1]);                                                       // (N, d)
        long n = flat.shape[0];
        var routing = Route(flat);                                                                   // 1.
        long? capacity = _capacityFactor is { } f ? MoeDispatchPlan.CapacityFor(n, _k, ExpertCount, f) : null;
        var plan = MoeDispatchPlan.Make(routing.Experts, ExpertCount, capacity);                     // 2.
        var tokens = plan.Assignments.div(_k, rounding_mode: RoundingMode.floor);                    // (M) token of each kept assignment
        var weights = routing.Weights.reshape(-1).index_select(0, plan.Assignments).to(x.dtype);     // (M)
        var rows = new List<Tensor>(ExpertCount);
        long start = 0;
        for (int e = 0; e < ExpertCount; e++)                                                        // 3.
        {
            long count = plan.Kept[e];
            if (count == 0) continue;
            var mine = tokens.narrow(0, start, count);                                               // (nₑ)
            rows.Add(experts[e].call(flat.index_select(0, mine)));                                   // (nₑ, d)
            start += count;
        }
        var y = zeros_like(flat);                                                                    // (N, d)
        if (rows.Count > 0) y = y.index_add(0, tokens, cat(rows, 0) * weights.unsqueeze(1), 1.0); // 4. (N, d)
        y = dropout.call(y.view(x.shape));                                                           // (B, T, d)
        var balance = MoeLosses.LoadBalancing(routing);                                              // 5.
        var z = MoeLosses.RouterZ(routing.Logits);
        var aux = _alpha * balance + _beta * z;
        long fullyDropped = capacity is null ? 0 : n - plan.KeptMask.any(1).sum().item<long>();
        LastStats = new MoeRoutingStats(n, _k, plan.Routed, plan.Kept, capacity, fullyDropped, balance.item<float>(), z.item<float>());
        return (y.MoveToOuterDisposeScope(), aux.MoveToOuterDisposeScope());
    }
}
