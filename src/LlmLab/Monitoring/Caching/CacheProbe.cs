namespace LlmLab.Monitoring.Caching;

/// <summary>How a probe question relates to its group's base question.</summary>
public enum ProbeKind
{
    /// <summary>The question stored in the cache.</summary>
    Base,
    /// <summary>The base question again, spaced differently: the exact cache must hit it.</summary>
    Repeat,
    /// <summary>The same question in other words: same answer, a semantic cache should hit it.</summary>
    Paraphrase,
    /// <summary>The base question negated: the answer differs.</summary>
    Negation,
    /// <summary>A number changed: the answer differs.</summary>
    Number,
    /// <summary>Another entity (a country, a word): the answer differs.</summary>
    Entity,
}

/// <summary>One question of a cache probe set, with its true answer. Immutable.</summary>
/// <param name="Group">Questions of a group are compared with the group's <see cref="ProbeKind.Base"/>.</param>
/// <param name="Kind">Its relation to the base.</param>
/// <param name="Question">The text asked.</param>
/// <param name="Answer">Its correct answer (compared after <see cref="CachedPrompt.Normalize"/>, case-insensitively).</param>
public sealed record CacheProbe(string Group, ProbeKind Kind, string Question, string Answer)
{
    /// <summary>True when an answer cached for <paramref name="other"/> is a correct answer to this question.</summary>
    public bool SameAnswer(CacheProbe other) =>
        string.Equals(CachedPrompt.Normalize(Answer), CachedPrompt.Normalize(other.Answer), StringComparison.OrdinalIgnoreCase);
}
