namespace LlmLab.Alignment.Refusal;

/// <summary>
/// One labelled prompt of lab 7.3: the user's request, whether the policy disallows it, its category (a
/// <see cref="RefusalCategory.Id"/> for an unsafe prompt, an XSTest-style look-alike type such as "homonym" for a safe
/// one), where it came from, and the reply the policy wants (the refusal, or a helpful answer). Immutable.
/// </summary>
/// <param name="Text">The user's request.</param>
/// <param name="Unsafe">True when the policy disallows it (the gate's positive class).</param>
/// <param name="Category">The unsafe category's id, or the safe prompt's look-alike type.</param>
/// <param name="Template">The generator template's index within its category, or −1 for a hand-written prompt.</param>
/// <param name="Reply">The reply the policy wants: <see cref="RefusalPolicy.Refusal"/> or a short helpful answer
/// (null for a hand-written prompt, which is only evaluated).</param>
public sealed record RefusalPrompt(string Text, bool Unsafe, string Category, int Template, string? Reply)
{
    /// <summary>True for a prompt of the hand-written held-out set.</summary>
    public bool HandWritten => Template < 0;
}
