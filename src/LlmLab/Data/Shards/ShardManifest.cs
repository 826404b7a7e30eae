using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using LlmLab.Runtime;

namespace LlmLab.Data.Shards;

/// <summary>
/// <c>index.json</c> of a shard directory: what the shards hold and how they were made — tokenizer identity, token
/// dtype, separator, seed, chunk and shard sizes, the mixture's sources with their accounting, and each split's shard
/// files with their token counts, per-source counts and SHA-256. snake_case keys; no timestamps or machine names, so the
/// same inputs and seed give a byte-identical file. Immutable.
/// </summary>
/// <param name="Format">Always <see cref="FormatName"/>.</param>
/// <param name="Version">The manifest version (<see cref="CurrentVersion"/>).</param>
/// <param name="Tokenizer">The tokenizer the shards were made with.</param>
/// <param name="Dtype">"uint16" or "uint32" (see <see cref="ShardFormat"/>).</param>
/// <param name="Separator">The ids appended after every document (the end-of-text token, or a newline).</param>
/// <param name="Seed">The seed of the chunk shuffles.</param>
/// <param name="ChunkTokens">Tokens per chunk: each source's token stream is cut into chunks, and the mixture is blended chunk by
/// chunk.</param>
/// <param name="ShardTokens">Tokens per shard file (the last of a split may hold fewer).</param>
/// <param name="ValFraction">Share of each source's documents held out for validation (by a hash of the document id).</param>
/// <param name="Temperature">The sampling temperature, or null when explicit weights were given.</param>
/// <param name="Sources">The sources, in the order their per-shard counts use.</param>
/// <param name="Train">The training shards.</param>
/// <param name="Val">The validation shards.</param>
public sealed record ShardManifest(string Format, int Version, TokenizerIdentity Tokenizer, string Dtype, IReadOnlyList<int> Separator,
    long Seed, int ChunkTokens, long ShardTokens, double ValFraction, double? Temperature,
    IReadOnlyList<ShardSourceEntry> Sources, ShardSplit Train, ShardSplit Val)
{
    /// <summary>The value of <see cref="Format"/>.</summary>
    public const string FormatName = "llmlab-token-shards";

    /// <summary>The manifest version this build writes and reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The manifest's file name in a shard directory.</summary>
    public const string FileName = "index.json";

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Bytes per token (2 or 4).</summary>
    [JsonIgnore]
    public int Width => Dtype switch { "uint16" => 2, "uint32" => 4, _ => 0 };

    /// <summary>A split by name: "train" or "val".</summary>
    /// <exception cref="InputException">Another name.</exception>
    public ShardSplit Split(string name) => name switch
    {
        "train" => Train,
        "val" => Val,
        _ => throw new InputException($"split '{name}' does not exist; use train or val"),
    };

    /// <summary>The manifest as UTF-8 JSON text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json) + "\n";

    /// <summary>Writes <c>index.json</c> into <paramref name="directory"/> atomically.</summary>
    public void Save(string directory) => AtomicFile.WriteAllText(Path.Combine(directory, FileName), ToJson());

    /// <summary>Parses manifest text; <paramref name="path"/> names it in errors.</summary>
    /// <exception cref="InputException">Not JSON, a field missing or of the wrong type, another format or version, or
    /// inconsistent counts; the message names the file and the field.</exception>
    public static ShardManifest Parse(string json, string path)
    {
        ShardManifest? m;
        try { m = JsonSerializer.Deserialize<ShardManifest>(json, Json); }
        catch (JsonException e)
        {
            throw new InputException($"'{path}' is not a valid shard manifest ({e.Message}); build the shards again (llmlab data shard)",
                e);
        }
        if (m is null) throw new InputException($"'{path}' is empty (null); build the shards again");
        if (m.Format != FormatName) throw new InputException($"'{path}': format is '{m.Format}', expected '{FormatName}'");
        if (m.Version != CurrentVersion)
            throw new InputException($"'{path}': version {m.Version}; this build reads version {CurrentVersion}");
        if (m.Width == 0) throw new InputException($"'{path}': dtype '{m.Dtype}' must be uint16 or uint32");
        foreach (var (name, split) in new[] { ("train", m.Train), ("val", m.Val) })
        {
            if (split.Shards.Sum(s => s.Tokens) != split.Tokens)
                throw new InputException(
                    $"'{path}': {name}.tokens = {split.Tokens:N0} but its shards hold {split.Shards.Sum(s => s.Tokens):N0}");
            foreach (var s in split.Shards)
            {
                if (s.SourceTokens.Count != m.Sources.Count || s.SourceTokens.Sum() != s.Tokens)
                    throw new InputException(
                        $"'{path}': shard '{s.File}' has source_tokens that do not add up to its {s.Tokens:N0} tokens " +
                        $"over {m.Sources.Count} sources");
                if (s.File.Contains('/') || s.File.Contains('\\') || s.File.StartsWith('.'))
                    throw new InputException($"'{path}': shard file name '{s.File}' must be a plain file name in the shard directory");
            }
        }
        return m;
    }

    /// <summary>Reads <c>index.json</c> from a shard directory.</summary>
    /// <exception cref="InputException">The directory or the manifest is missing or invalid.</exception>
    public static ShardManifest Load(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
            throw new InputException($"shard directory '{directory}' not found; build it with 'llmlab data shard --out {directory}'");
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            throw new InputException(
                $"'{directory}' has no {FileName}: it is not a shard directory (or its build did not finish); build it again");
        return Parse(File.ReadAllText(path, Encoding.UTF8), path);
    }
}
