using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmLab.Training;

/// <summary>
/// The weights a <see cref="Trainer"/> updates, in either precision. In fp32 the optimizer updates the module's own
/// parameters. In bf16 — explicit mixed precision, since TorchSharp has no autocast — the module is converted to bf16
/// (weights, so activations and gradients follow) and this class keeps an fp32 master copy of every weight:
/// <list type="number">
/// <item>forward and backward run in bf16 on the module;</item>
/// <item><see cref="GradientsToMasters"/> copies each bf16 gradient to its master as fp32 (clipping and AdamW work on these);</item>
/// <item>the optimizer updates the masters (its moments are fp32 too);</item>
/// <item><see cref="MastersToModule"/> rounds the masters into the module's bf16 weights.</item>
/// </list>
/// Small updates that bf16 would round away (its 8-bit mantissa) accumulate in the masters instead of being lost.
/// <see cref="Finish"/> returns the module to fp32 holding the master values. Owns the masters; not thread-safe.
/// </summary>
internal sealed class TrainingWeights : IDisposable
{
    readonly nn.Module _model;
    readonly List<(string Name, Parameter Parameter)> _masters;
    List<(string Name, Parameter Parameter)> _working;

    public TrainingWeights(nn.Module model, TrainingPrecision precision)
    {
        _model = model;
        Precision = precision;
        _working = Trainable(model);
        if (_working.Count == 0) throw new ArgumentException("the model has no parameters to train");
        if (precision != TrainingPrecision.Fp32 && model.parameters().Any(p => !p.requires_grad))
            throw new ArgumentException("bf16 training converts the whole module to bf16, which would round its frozen parameters " +
                "(a LoRA base): train with frozen parameters in fp32");
        if (precision == TrainingPrecision.Fp32)
        {
            _masters = _working;
            return;
        }
        using (no_grad())
            _masters = _working.Select(p => (p.Name, new Parameter(p.Parameter.detach().to(ScalarType.Float32).clone(), requires_grad: true))).ToList();
        model.to(ScalarType.BFloat16);
        _working = Trainable(model); // conversion makes new parameter objects
    }

    public TrainingPrecision Precision { get; }

    /// <summary>The parameters that require gradients (frozen ones are neither trained nor checkpointed).</summary>
    static List<(string Name, Parameter Parameter)> Trainable(nn.Module model) =>
        model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => (p.name, p.parameter)).ToList();

    /// <summary>The fp32 weights the optimizer updates, by name (the module's own in fp32).</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> Masters => _masters;

    /// <summary>Zeroes the module's gradients before a step's first backward pass.</summary>
    public void ZeroGrad()
    {
        using var noGrad = no_grad();
        foreach (var (_, p) in _working) p.grad?.zero_();
    }

    /// <summary>bf16: each master's gradient = its module weight's gradient in fp32. fp32: nothing to do.</summary>
    public void GradientsToMasters()
    {
        if (Precision == TrainingPrecision.Fp32) return;
        using var scope = NewDisposeScope();
        for (int i = 0; i < _masters.Count; i++)
            if (_working[i].Parameter.grad is { } g) _masters[i].Parameter.grad = g.to(ScalarType.Float32);
    }

    /// <summary>bf16: the module's weights = the masters rounded to bf16. fp32: nothing to do.</summary>
    public void MastersToModule()
    {
        if (Precision == TrainingPrecision.Fp32) return;
        using var noGrad = no_grad();
        for (int i = 0; i < _masters.Count; i++) _working[i].Parameter.copy_(_masters[i].Parameter);
    }

    /// <summary>The module's buffers (not trained, but part of its state), by name.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> Buffers => _model.named_buffers();

    /// <summary>bf16: converts the module back to fp32 and loads the masters into it (the exact trained weights).</summary>
    public void Finish()
    {
        if (Precision == TrainingPrecision.Fp32) return;
        _model.to(ScalarType.Float32);
        _working = Trainable(_model);
        using var noGrad = no_grad();
        for (int i = 0; i < _masters.Count; i++) _working[i].Parameter.copy_(_masters[i].Parameter);
    }

    public void Dispose()
    {
        if (Precision == TrainingPrecision.Fp32) return;
        foreach (var (_, p) in _masters) p.Dispose();
    }
}
