using System.Text.Json.Serialization;

namespace LlmLab.Nn.Gpt;

/// <summary>The normalisation before each sub-layer and after the last block (config key <c>norm</c>).</summary>
public enum NormalizationKind
{
    /// <summary>LayerNorm (Ba et al. 2016): subtract the mean, divide by the standard deviation, scale (and shift when
    /// the config has biases).</summary>
    [JsonStringEnumMemberName("layernorm")] LayerNorm,
    /// <summary>RMSNorm (Zhang &amp; Sennrich 2019): divide by the root mean square and scale; no mean, no shift.</summary>
    [JsonStringEnumMemberName("rmsnorm")] RmsNorm,
}
