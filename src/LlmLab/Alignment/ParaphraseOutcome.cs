namespace LlmLab.Alignment;

/// <summary>What happened to one conversation sent to <see cref="TeacherParaphraser"/>.</summary>
public enum ParaphraseOutcome
{
    /// <summary>The paraphrase passed every filter and replaced the original.</summary>
    Kept,
    /// <summary>The teacher's call failed (network, HTTP error, timeout); the original is kept.</summary>
    TeacherFailed,
    /// <summary>Empty, far longer than the original, or holding special-token text.</summary>
    Malformed,
    /// <summary>The teacher returned the original text.</summary>
    Unchanged,
    /// <summary>A slot value of the original (a number, name, date, listed word) is missing.</summary>
    LostSlot,
    /// <summary>Worded exactly or nearly as a test prompt.</summary>
    NearTest,
    /// <summary>The teacher, asked the paraphrase, did not give the reference answer.</summary>
    WrongAnswer,
}
