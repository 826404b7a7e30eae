namespace LlmLab.Alignment;

/// <summary>The shape of LoRA adapters (Hu et al. 2021, "LoRA: Low-Rank Adaptation of Large Language Models"). Immutable.</summary>
/// <param name="Rank">r, the rank of each update B·A (the paper finds r = 1–8 enough for GPT-3's attention; 8 is PEFT's default).</param>
/// <param name="Alpha">α: the update is scaled by α / r, so that changing r does not change the effective learning rate
/// (paper §4.1; PEFT's default α = 8, many recipes use 2r).</param>
/// <param name="Dropout">Dropout on the adapter's input only (PEFT's lora_dropout; 0 = off).</param>
/// <param name="Targets">Which linear layers get an adapter, by the last part(s) of their name: "c_attn" adapts every
/// h.N.attn.c_attn, "mlp.c_proj" only the MLP's projection. Every target must match at least one linear layer.</param>
/// <param name="TrainableModules">Modules left trainable in full beside the adapters, by name prefix (PEFT's
/// modules_to_save): "wte" when special tokens were added, since their embedding rows (and the tied head's) start
/// identical and a frozen embedding could never tell them apart. Counted in the trainable parameters.</param>
public sealed record LoraOptions(int Rank = 8, double Alpha = 16, double Dropout = 0.0, IReadOnlyList<string>? Targets = null,
    IReadOnlyList<string>? TrainableModules = null)
{
    /// <summary>The default targets: every linear layer of a GPT block (attention's fused q/k/v and output projections,
    /// the MLP's two), as QLoRA (Dettmers et al. 2023) recommends over attention alone.</summary>
    public static IReadOnlyList<string> AllBlockLinears { get; } = ["c_attn", "c_proj", "c_fc"];

    /// <summary>The targets, defaulted.</summary>
    public IReadOnlyList<string> TargetModules => Targets is { Count: > 0 } t ? t : AllBlockLinears;

    /// <summary>α / r.</summary>
    public double Scale => Alpha / Rank;

    /// <summary>Refuses values no adapter can have, naming the field.</summary>
    /// <exception cref="InputException">A field out of range.</exception>
    public void Validate()
    {
        if (Rank < 1) throw new InputException($"lora rank must be >= 1 (got {Rank})");
        if (!(Alpha > 0) || double.IsInfinity(Alpha)) throw new InputException($"lora alpha must be a finite number > 0 (got {Alpha})");
        if (!(Dropout >= 0 && Dropout < 1)) throw new InputException($"lora dropout must be in [0, 1) (got {Dropout})");
        if (TargetModules.Any(string.IsNullOrWhiteSpace)) throw new InputException("lora targets must be non-empty module names");
    }
}
