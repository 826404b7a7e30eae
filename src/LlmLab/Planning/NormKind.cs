namespace LlmLab.Planning;

/// <summary>The normalisation layer of a transformer.</summary>
public enum NormKind
{
    /// <summary>LayerNorm: a weight and a bias per channel (2·d parameters).</summary>
    LayerNorm,
    /// <summary>RMSNorm: a weight per channel (d parameters).</summary>
    RmsNorm,
}
