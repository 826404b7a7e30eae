using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Nn.Attention;

/// <summary>
/// The autograd node of <see cref="TiledAttention.Forward(Tensor, Tensor, Tensor, bool, TiledAttentionBlocks)"/>: a
/// TorchSharp custom function (the equivalent of PyTorch's <c>torch.autograd.Function</c>) whose forward runs the tiled
/// forward pass and saves q, k, v, the output and the log-sum-exp, and whose backward runs
/// <see cref="TiledAttention.Backward"/>. Arguments of <c>apply</c>: q, k, v, causal (bool), blocks
/// (<see cref="TiledAttentionBlocks"/>). Stateless: TorchSharp keeps one shared instance.
/// </summary>
internal sealed class TiledAttentionFunction : autograd.SingleTensorFunction<TiledAttentionFunction>
{
    public override string Name => "TiledAttentionBackward";

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (q, k, v) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2]);
        bool causal = (bool)vars[3];
        var blocks = (TiledAttentionBlocks)vars[4];
        var (output, lse) = TiledAttention.ForwardWithLogSumExp(q, k, v, causal, blocks);
        ctx.save_for_backward([q, k, v, output, lse]);
        ctx.save_data("causal", causal);
        ctx.save_data("blocks", blocks);
        return output;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        using var scope = NewDisposeScope();
        var saved = ctx.get_saved_variables();
        var (dq, dk, dv) = TiledAttention.Backward(saved[0], saved[1], saved[2], saved[3], saved[4], grad_output,
            (bool)ctx.get_data("causal"), (TiledAttentionBlocks)ctx.get_data("blocks"));
        // The engine reads the gradients after this returns: they must outlive this scope. The two nulls stand for
        // the non-tensor arguments (causal, blocks).
        return [dq.MoveToOuterDisposeScope(), dk.MoveToOuterDisposeScope(), dv.MoveToOuterDisposeScope(), null!, null!];
    }
}
