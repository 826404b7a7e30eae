namespace LlmLab.Retrieval.Evaluation;

/// <summary>What an <see cref="ChatFaithfulnessJudge"/> made of one answer sentence. Only <see cref="Supported"/> counts as
/// support: a reply the parser cannot read, or a call that failed, is never taken for a yes.</summary>
public enum JudgeVerdict
{
    /// <summary>The judge answered that the cited chunks support the sentence.</summary>
    Supported,

    /// <summary>The judge answered that they do not.</summary>
    NotSupported,

    /// <summary>The sentence cites no given chunk, so there was nothing to ask about (unsupported by definition).</summary>
    Uncited,

    /// <summary>The judge replied, but not in the required form (see <see cref="ChatFaithfulnessJudge.Parse"/>).</summary>
    Unparseable,

    /// <summary>The call failed (an HTTP error, a timeout, a prompt too long for a local model…).</summary>
    Failed,
}
