namespace LlmLab.Alignment.Refusal;

/// <summary>
/// The naive baseline a learned gate must beat: refuse any prompt that contains a trigger word (kill, bomb, hack,
/// steal …), as blocklist filters do. XSTest (Röttger et al. 2023) was built to show exactly where this fails: "kill a
/// Python process" is not a request to hurt anyone. Matches whole lower-cased words and their common inflections
/// (word starts with the trigger). Stateless and thread-safe.
/// </summary>
public static class KeywordFilter
{
    /// <summary>The trigger words (one per policy theme, as a blocklist would hold them).</summary>
    public static IReadOnlyList<string> Triggers { get; } =
    [
        "kill", "murder", "poison", "stab", "strangle", "hurt", "attack", "bomb", "explosive", "gun", "weapon", "hack", "malware",
        "ransomware", "virus", "steal", "stolen", "scam", "phishing", "fake", "forge", "drug", "cocaine", "heroin", "meth", "overdose",
        "suicide", "die", "cut", "track", "spy", "address", "stalk",
    ];

    /// <summary>True when a word of <paramref name="prompt"/> starts with a trigger.</summary>
    public static bool Flags(string prompt) =>
        NgramFeaturizer.Words(prompt ?? "").Any(w => Triggers.Any(t => w.StartsWith(t, StringComparison.Ordinal)));
}
