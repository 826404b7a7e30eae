namespace LlmLab.Agents.Memory;

/// <summary>The three kinds of long-term memory a <see cref="MemoryStore"/> keeps (MemGPT's recall and archival storage,
/// mem0's facts).</summary>
public enum MemoryKind
{
    /// <summary>One message of a conversation, as said (episodic memory).</summary>
    Message,

    /// <summary>A fact about the user extracted from a message (semantic memory), with its provenance.</summary>
    Fact,

    /// <summary>A summary of a span of messages: an old session, or turns evicted from a full context.</summary>
    Summary,
}
