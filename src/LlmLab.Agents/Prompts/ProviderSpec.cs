namespace LlmLab.Agents.Prompts;

/// <summary>
/// A model to ask, as a prompt file or <c>--provider</c> names it: a local checkpoint (<c>local:DIR</c>), a model behind an
/// OpenAI-compatible endpoint (<c>openai:MODEL</c>), or a scripted model (rules in the file: replies known in advance,
/// for checking the assertions themselves). Immutable.
/// </summary>
/// <param name="Id">Its name in the matrix.</param>
/// <param name="Kind">"local", "openai" or "scripted".</param>
/// <param name="Target">The checkpoint (local) or the model name (openai); empty for scripted.</param>
/// <param name="BaseUrl">openai: the endpoint (null: --openai-base-url, then OPENAI_BASE_URL, then OpenAI's).</param>
/// <param name="Rules">scripted: the rules, first match wins.</param>
public sealed record ProviderSpec(string Id, string Kind, string Target, string? BaseUrl, IReadOnlyList<ScriptedRule> Rules)
{
    /// <summary>Parses a <c>--provider</c> value: <c>local:DIR</c> or <c>openai:MODEL</c>.</summary>
    /// <exception cref="InputException">Any other form.</exception>
    public static ProviderSpec Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int colon = spec.IndexOf(':', StringComparison.Ordinal);
        string kind = colon < 0 ? spec : spec[..colon], target = colon < 0 ? "" : spec[(colon + 1)..];
        if (kind is not ("local" or "openai") || target.Length == 0)
            throw new InputException($"--provider {spec}: expected local:CHECKPOINT_DIR, openai:MODEL or the id of a provider in the file");
        return new ProviderSpec(spec, kind, target, null, []);
    }
}
