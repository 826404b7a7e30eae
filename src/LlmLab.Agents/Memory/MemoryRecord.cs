namespace LlmLab.Agents.Memory;

/// <summary>
/// One stored memory of a user, as read back from a <see cref="MemoryStore"/>. Immutable.
/// </summary>
/// <param name="Kind">Message, fact or summary.</param>
/// <param name="Id">Row id, unique within its kind (ids never repeat: AUTOINCREMENT).</param>
/// <param name="User">The user it belongs to.</param>
/// <param name="Session">The session it came from.</param>
/// <param name="Text">What is remembered (a message's text, a fact's sentence, a summary).</param>
/// <param name="CreatedAt">When it was said (message), learned (fact) or written (summary: the last covered message's time).</param>
/// <param name="Importance">0 to 1: how much it matters regardless of the question (Park et al. 2023's "importance").</param>
/// <param name="FirstSeq">First message sequence number it covers (a message or fact: its own message's).</param>
/// <param name="LastSeq">Last message sequence number it covers.</param>
/// <param name="Embedding">Unit-length embedding of <paramref name="Text"/>.</param>
/// <param name="Role">A message's role ("user", "assistant"); null otherwise.</param>
/// <param name="Key">A fact's slot ("lives_in", "pet_name/dog"); null otherwise.</param>
/// <param name="Value">A fact's value ("Lyon"); null otherwise.</param>
/// <param name="SupersededBy">A fact replaced by a newer one: the newer fact's id (kept as history); null when current.</param>
/// <param name="Stale">A message whose every extracted fact has been superseded: history, left out of retrieval.</param>
public sealed record MemoryRecord(
    MemoryKind Kind,
    long Id,
    string User,
    string Session,
    string Text,
    DateTimeOffset CreatedAt,
    double Importance,
    long FirstSeq,
    long LastSeq,
    float[] Embedding,
    string? Role = null,
    string? Key = null,
    string? Value = null,
    long? SupersededBy = null,
    bool Stale = false)
{
    /// <summary>A stable label: "message:12", "fact:3", "summary:1".</summary>
    public string Label => $"{Kind.ToString().ToLowerInvariant()}:{Id}";

    /// <summary>True when the memory covers message <paramref name="seq"/> of <paramref name="session"/>.</summary>
    public bool Covers(string session, long seq) => Session == session && FirstSeq <= seq && seq <= LastSeq;
}
