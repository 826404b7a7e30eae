namespace LlmLab.Optim;

/// <summary>The optimizers of <see cref="OptimizerSpec"/>.</summary>
public enum OptimizerKind
{
    /// <summary><see cref="Optim.Sgd"/> (momentum, Nesterov, L2 decay).</summary>
    Sgd,
    /// <summary><see cref="Optim.Adam"/> (L2 decay in the gradient).</summary>
    Adam,
    /// <summary><see cref="Optim.AdamW"/> (decoupled decay).</summary>
    AdamW,
}
