using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LlmLab.Monitoring.Caching;

/// <summary>
/// What a response cache keys on: who asks (<paramref name="Scope"/>: an API key's id, so one key never receives an answer
/// cached for another), which model, the conversation, and every sampling parameter that changes the reply. Immutable.
/// </summary>
/// <param name="Scope">The caller's isolation scope (the server uses the API key's id; "" when there are no keys).</param>
/// <param name="ModelId">The model (or cascade) that answers: a reply of one model is never served for another.</param>
/// <param name="Messages">The conversation as (role, text), oldest first; a text completion is one ("user", prompt).</param>
/// <param name="Parameters">Sampling and stopping parameters in a canonical form (e.g. the request's other fields as
/// sorted JSON): two requests differing in any of them are different keys.</param>
/// <param name="Temperature">The sampling temperature: above 0 the reply is a draw, not a function of the prompt, and
/// is only cached when <see cref="ResponseCacheOptions.CacheSampled"/> says so.</param>
public sealed record CachedPrompt(string Scope, string ModelId, IReadOnlyList<(string Role, string Text)> Messages, string Parameters,
    double Temperature)
{
    /// <summary>A single question asked with default parameters at temperature 0 (what the lab's probes use).</summary>
    public static CachedPrompt Question(string scope, string modelId, string question) => new(scope, modelId, [("user", question)], "", 0);

    /// <summary>The text the semantic cache compares: the last message, normalised.</summary>
    public string QueryText => Messages.Count == 0 ? "" : Normalize(Messages[^1].Text);

    /// <summary>The exact key: SHA-256 of the scope, model, parameters, temperature and normalised conversation (hex, with a
    /// versioned prefix so a format change never reads an old entry).</summary>
    public string ExactKey() => "llmlab:rc:v1:exact:" + Hash(Messages);

    /// <summary>The semantic cache's partition: everything but the last message's text (which is compared by similarity),
    /// keyed exactly — scope, model, parameters, the earlier turns and the last message's role.</summary>
    public string PartitionKey() => "llmlab:rc:v1:part:" + Hash(Messages.Count == 0 ? [] : [.. Messages.Take(Messages.Count - 1), (Messages[^1].Role, "")]);

    string Hash(IEnumerable<(string Role, string Text)> messages)
    {
        // A JSON array, so that no choice of separators can make two different requests collide.
        var canonical = JsonSerializer.Serialize(new object[]
        {
            Scope, ModelId, Parameters, Temperature, messages.Select(m => new[] { m.Role, Normalize(m.Text) }).ToArray(),
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>
    /// The normalisation both caches apply: surrounding white space trimmed and every run of white space made one space.
    /// Case and punctuation are kept on purpose: "Is 7 prime?" and "is 7 prime" agree, but a changed letter can change the
    /// answer (a word to reverse, a unit's symbol), and the exact cache must never serve a reply for another question.
    /// </summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length);
        bool space = false;
        foreach (char c in text.AsSpan().Trim())
        {
            if (char.IsWhiteSpace(c)) { space = true; continue; }
            if (space) sb.Append(' ');
            space = false;
            sb.Append(c);
        }
        return sb.ToString();
    }
}
