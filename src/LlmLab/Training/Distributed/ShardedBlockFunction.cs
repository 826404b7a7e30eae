using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Training.Distributed;

/// <summary>
/// The autograd node of one ZeRO-3 unit's forward (a TorchSharp custom function, as <c>TiledAttentionFunction</c> is):
/// autograd would keep a gathered block's weights alive as saved tensors until backward, so the block runs outside
/// autograd and is recomputed in backward (activation checkpointing per block, Chen et al. 2016; FSDP with
/// <c>checkpoint_wrapper</c>):
/// <list type="number">
/// <item>forward: gather the unit's parameters, run the block under no_grad, free them; save only the input x (and
/// libtorch's RNG state, so dropout draws the same masks again);</item>
/// <item>backward: gather again, recompute the block from x with gradients on, backpropagate the incoming gradient through
/// it, reduce-scatter the parameters' gradients into this rank's shards, free; return the gradient of x.</item>
/// </list>
/// Arguments of <c>apply</c>: x (B, T, d), the <see cref="ZeroUnit"/>, the block's forward (Func&lt;Tensor, Tensor&gt;),
/// and whether to save the RNG state (dropout &gt; 0). Stateless: TorchSharp keeps one shared instance.
/// </summary>
internal sealed class ShardedBlockFunction : autograd.SingleTensorFunction<ShardedBlockFunction>
{
    public override string Name => "ShardedBlockBackward";

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = (Tensor)vars[0];
        var unit = (ZeroUnit)vars[1];
        var block = (Func<Tensor, Tensor>)vars[2];
        bool keepRng = (bool)vars[3];
        byte[]? rng = keepRng ? RngState() : null;
        Tensor y;
        unit.Gather();                                               // 1.
        try { y = block(x); }                                        // no_grad: TorchSharp runs forward without autograd
        finally { unit.Free(); }
        ctx.save_for_backward([x]);
        ctx.save_data("unit", unit);
        ctx.save_data("block", block);
        if (rng is not null) ctx.save_data("rng", rng);
        return y;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        using var scope = NewDisposeScope();
        var x = ctx.get_saved_variables()[0];
        var unit = (ZeroUnit)ctx.get_data("unit");
        var block = (Func<Tensor, Tensor>)ctx.get_data("block");
        var rng = ctx.get_data("rng") as byte[];
        byte[]? now = rng is null ? null : RngState();
        unit.Gather();                                               // 2.
        try
        {
            if (rng is not null) SetRngState(rng);
            Tensor dx;
            using (enable_grad())
            {
                var xd = x.detach().requires_grad_(true);
                var y = block(xd);
                autograd.backward([y], [grad_output]);
                dx = xd.grad ?? zeros_like(x);
            }
            unit.ReduceGradients();
            // The engine reads the gradients after this returns: they must outlive this scope. The nulls stand for the
            // non-tensor arguments.
            return [dx.MoveToOuterDisposeScope(), null!, null!, null!];
        }
        finally
        {
            unit.Free();
            if (now is not null) SetRngState(now);
        }
    }

    static byte[] RngState()
    {
        using var state = random.get_rng_state();
        return state.bytes.ToArray();
    }

    static void SetRngState(byte[] bytes)
    {
        using var state = empty(bytes.Length, ScalarType.Byte);
        state.bytes = bytes;
        random.set_rng_state(state);
    }
}
