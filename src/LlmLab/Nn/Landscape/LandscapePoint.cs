namespace LlmLab.Nn.Landscape;

/// <summary>The model's mean cross-entropy (nats per token) and top-1 accuracy on the evaluation batch at one point
/// of parameter space.</summary>
public readonly record struct LandscapePoint(double Loss, double Accuracy);
