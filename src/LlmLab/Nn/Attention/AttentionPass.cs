namespace LlmLab.Nn.Attention;

/// <summary>A timed pass: the forward alone (under no_grad), or forward then backward to q, k and v.</summary>
public enum AttentionPass { Forward, ForwardBackward }
