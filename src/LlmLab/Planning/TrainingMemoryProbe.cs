using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Planning;

/// <summary>
/// Builds the <see cref="GptModel"/> of a <see cref="ModelSpec"/> (<see cref="ModelSpecGpt"/>) on the CPU, runs one
/// forward/backward on random tokens and one step of the trainer's own <see cref="Optim.AdamW"/>, and weighs what is
/// then allocated: the parameters, their <c>.grad</c> tensors and the optimizer's moment tensors — the measurement
/// <see cref="MemoryEstimator.Training"/>'s fp32 model states predict. Every tensor is disposed before returning.
/// Not thread-safe with respect to libtorch's global seed.
/// </summary>
public static class TrainingMemoryProbe
{
    public static MeasuredTrainingMemory MeasureAdamWStep(ModelSpec spec, int seq, int batch, long seed)
    {
        var config = ModelSpecGpt.ToGptConfig(spec);
        if (seq < 1 || seq > spec.MaxPositionEmbeddings)
            throw new InputException(
                $"probe sequence length must be between 1 and max_position_embeddings ({spec.MaxPositionEmbeddings}) (got {seq})");
        if (batch < 1) throw new InputException($"probe batch must be >= 1 (got {batch})");
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        manual_seed(seed);
        using var model = new GptModel(config);
        using var optimizer = new Optim.AdamW(model.parameters(), lr: 1e-3);

        // 1. One forward/backward on random tokens (targets = inputs shifted by one, as in language modelling).
        var tokens = randint(spec.VocabSize, [batch, seq + 1], dtype: int64);           // (B, T+1)
        var (_, loss) = model.Forward(tokens.narrow(1, 0, seq), tokens.narrow(1, 1, seq));
        optimizer.ZeroGrad();
        (model.AuxiliaryLoss is { } aux ? loss + aux : loss).backward();
        // 2. One AdamW step: creates and updates the moments of every parameter.
        optimizer.Step();

        // 3. Weigh what is allocated, tensor by tensor.
        var parameters = model.parameters().ToList();
        long count = parameters.Sum(p => p.numel());
        long paramBytes = parameters.Sum(Bytes);
        long gradBytes = parameters.Select(p => p.grad).Where(g => g is not null).Sum(g => Bytes(g!));
        long adamBytes = optimizer.NamedStateTensors().Sum(kv => Bytes(kv.Value));
        return new MeasuredTrainingMemory(count, paramBytes, gradBytes, adamBytes, loss.item<float>());
    }

    static long Bytes(Tensor t) => t.numel() * t.element_size();
}
