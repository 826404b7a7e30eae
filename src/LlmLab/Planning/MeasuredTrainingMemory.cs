namespace LlmLab.Planning;

/// <summary>What one fp32 AdamW training step left in memory, weighed tensor by tensor (bytes = numel · element size).</summary>
/// <param name="Parameters">Parameter count (sum of numel over the model's parameters).</param>
/// <param name="ParameterBytes">Bytes of the parameters.</param>
/// <param name="GradientBytes">Bytes of the <c>.grad</c> tensors after backward.</param>
/// <param name="AdamStateBytes">Bytes of AdamW's <c>exp_avg</c> and <c>exp_avg_sq</c> after one step.</param>
/// <param name="Loss">The step's cross-entropy (≈ ln V at initialisation), to show the step was real.</param>
public sealed record MeasuredTrainingMemory(long Parameters, long ParameterBytes, long GradientBytes, long AdamStateBytes, double Loss);
