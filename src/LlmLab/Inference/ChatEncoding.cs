namespace LlmLab.Inference;

/// <summary>
/// A conversation rendered to token ids by <see cref="ChatTemplate.Encode"/>, with a mask of the ids the assistant
/// wrote (its messages' content and the marker that ends each of them), which supervised fine-tuning trains on and
/// nothing else. Immutable once made (the arrays are not copied: do not change them).
/// </summary>
/// <param name="Ids">The token ids, in order.</param>
/// <param name="Assistant">Same length as <see cref="Ids"/>: true where the id is the assistant's.</param>
public sealed record ChatEncoding(int[] Ids, bool[] Assistant)
{
    /// <summary>How many ids are the assistant's.</summary>
    public int AssistantCount => Assistant.Count(a => a);
}
