namespace LlmLab.Alignment;

/// <summary>Which preference loss <see cref="DpoLoss"/> uses.</summary>
public enum DpoLossKind
{
    /// <summary>DPO's −log σ(β·h) (Rafailov et al. 2023).</summary>
    Sigmoid,

    /// <summary>IPO's (h − 1/(2β))² on per-token mean log-probabilities (Azar et al. 2023).</summary>
    Ipo,
}
