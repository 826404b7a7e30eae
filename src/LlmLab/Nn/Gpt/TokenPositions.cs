using static TorchSharp.torch;

namespace LlmLab.Nn.Gpt;

/// <summary>
/// Where a forward's new tokens sit, handed from the model to every block: either all rows start at
/// <see cref="Offset"/> (the cache's length; the plain causal case), or each token has its own position and an explicit
/// attention mask (rows laid out differently). The tensors belong to the caller of <see cref="GptModel.Forward(Tensor, IKvCache?, Tensor?, Tensor?)"/>.
/// </summary>
/// <param name="Offset">The position of the first new token when <see cref="Positions"/> is null.</param>
/// <param name="Positions">(B, T) int64 per-token positions, or null.</param>
/// <param name="Mask">(B, 1, T, S) bool, true = visible, or null for the causal rule.</param>
public readonly record struct TokenPositions(long Offset, Tensor? Positions, Tensor? Mask);
