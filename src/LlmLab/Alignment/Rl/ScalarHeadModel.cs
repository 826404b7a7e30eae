using LlmLab.Nn.Gpt;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmLab.Alignment;

/// <summary>
/// A GPT with a scalar head on its final hidden states (after ln_f): the reward model (Ouyang et al. 2022, §3.5: the SFT
/// model with its unembedding replaced by a scalar output) and PPO's value head (TRL's
/// <c>AutoModelForCausalLMWithValueHead</c>: one body, the LM head and the value head side by side). The hidden states
/// are read by a forward hook on <c>ln_f</c> (as LoRA attaches to linears), so the teaching model's code is untouched;
/// the hook captures only inside <see cref="Forward"/>, so generating with <see cref="Body"/> costs nothing. Shapes: B
/// rows, T positions, d = n_embd, V = vocab. Owns its body; dispose it. Not thread-safe.
/// </summary>
public sealed class ScalarHeadModel : nn.Module
{
    readonly GptModel body;
    readonly Linear head;
    readonly nn.HookableModule<Func<nn.Module<Tensor, Tensor>, Tensor, Tensor>,
        Func<nn.Module<Tensor, Tensor>, Tensor, Tensor, Tensor>>.HookRemover _hook;
    Tensor? _hidden;
    bool _capturing;

    /// <param name="body">The GPT (owned from now on).</param>
    /// <param name="seed">Seeds the head's initialisation: N(0, 1/(d+1)) weights and a zero bias, TRL's value-head
    /// initialisation scale.</param>
    public ScalarHeadModel(GptModel body, int seed = 0) : base(nameof(ScalarHeadModel))
    {
        ArgumentNullException.ThrowIfNull(body);
        this.body = body;
        int d = body.Config.Width;
        head = nn.Linear(d, 1);
        using (no_grad())
        {
            var g = new Generator((ulong)seed);
            head.weight!.copy_(randn(1, d, generator: g) / Math.Sqrt(d + 1));
            head.bias!.zero_();
        }
        RegisterComponents();
        var lnF = body.named_children().First(c => c.name == "ln_f").module as nn.Module<Tensor, Tensor>
            ?? throw new InvalidOperationException("the GPT has no ln_f module to read hidden states from");
        _hook = lnF.register_forward_hook((_, _, y) =>
        {
            if (_capturing) _hidden = y.MoveToOuterDisposeScope();                  // out of the GPT's scope into Forward's
            return y;
        });
    }

    /// <summary>The language model (the policy after PPO; the reward model's trunk).</summary>
    public GptModel Body => body;

    /// <summary>Logits (B, T, V) and the head's scalar at every position (B, T) for tokens (B, T) int64; new tensors.</summary>
    public (Tensor Logits, Tensor Values) Forward(Tensor idx)
    {
        using var scope = NewDisposeScope();
        _capturing = true;
        Tensor logits;
        try { logits = body.call(idx); }                                                // (B, T, V)
        finally { _capturing = false; }
        var hidden = _hidden ?? throw new InvalidOperationException("the ln_f hook did not run");
        _hidden = null;
        var values = head.call(hidden).squeeze(-1);                                     // (B, T)
        return (logits.MoveToOuterDisposeScope(), values.MoveToOuterDisposeScope());
    }

    /// <summary>The head's value at each row's last target position (the last index whose target is ≠ −1: the position
    /// that has read the whole reply), (B), from values (B, T) and targets (B, T).</summary>
    public static Tensor AtLastTarget(Tensor values, Tensor targets)
    {
        using var scope = NewDisposeScope();
        var t = targets.shape[1];
        var idx = arange(t, dtype: ScalarType.Int64, device: targets.device).unsqueeze(0).expand_as(targets);
        var last = idx.masked_fill(targets < 0, -1).max(1).values.clamp_min(0);        // (B)
        return values.gather(1, last.unsqueeze(1)).squeeze(1).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _hook.remove();
        base.Dispose(disposing);
    }
}
