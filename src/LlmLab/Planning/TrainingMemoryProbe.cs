using LlmLab.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Planning;

/// <summary>
/// Builds a small transformer of a <see cref="ModelSpec"/>'s shape with TorchSharp on the CPU, runs one
/// forward/backward on random tokens and one <c>torch.optim.AdamW</c> step, and weighs the parameters, the gradients
/// and the optimizer's moments — the measurement that <see cref="MemoryEstimator.Training"/>'s fp32 model states
/// predict. The moments are read through <c>optimizer.state_dict().State</c> (TorchSharp's <c>AdamW.State</c> holds
/// <c>exp_avg</c> and <c>exp_avg_sq</c> per parameter). Every tensor is disposed before returning. Not thread-safe
/// with respect to libtorch's global seed.
/// </summary>
public static class TrainingMemoryProbe
{
    public static MeasuredTrainingMemory MeasureAdamWStep(ModelSpec spec, int seq, int batch, long seed)
    {
        spec.Validate();
        if (seq < 1 || seq > spec.MaxPositionEmbeddings)
            throw new InputException($"probe sequence length must be between 1 and max_position_embeddings ({spec.MaxPositionEmbeddings}) (got {seq})");
        if (batch < 1) throw new InputException($"probe batch must be >= 1 (got {batch})");
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        manual_seed(seed);
        using var model = new ProbeTransformer(spec);
        using var optimizer = optim.AdamW(model.parameters(), lr: 1e-3);

        // 1. One forward/backward on random tokens (targets = inputs shifted by one, as in language modelling).
        var tokens = randint(spec.VocabSize, [batch, seq + 1], dtype: int64);           // (B, T+1)
        var logits = model.forward(tokens.narrow(1, 0, seq));                           // (B, T, V)
        var loss = nn.functional.cross_entropy(logits.reshape(-1, spec.VocabSize), tokens.narrow(1, 1, seq).reshape(-1));
        optimizer.zero_grad();
        loss.backward();
        // 2. One AdamW step: creates/updates exp_avg and exp_avg_sq for every parameter.
        optimizer.step();

        // 3. Weigh.
        var parameters = model.parameters().ToList();
        long count = parameters.Sum(p => p.numel());
        long paramBytes = parameters.Sum(Bytes);
        long gradBytes = parameters.Select(p => p.grad).Where(g => g is not null).Sum(g => Bytes(g!));
        long adamBytes = optimizer.state_dict().State.OfType<TorchSharp.Modules.AdamW.State>()
            .Sum(s => Bytes(s.exp_avg) + Bytes(s.exp_avg_sq));
        return new MeasuredTrainingMemory(count, paramBytes, gradBytes, adamBytes, loss.item<float>());
    }

    static long Bytes(Tensor t) => t.numel() * t.element_size();
}
