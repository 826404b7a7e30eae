using System.Text.Json.Nodes;
using LlmLab.Alignment;
using LlmLab.Interop;
using LlmLab.Runtime;
using LlmLab.Training;

namespace LlmLab.Labs.Part07;

/// <summary>
/// Opens a base model for supervised fine-tuning from a path of any kind LlmLab reads, for lab 7.1–7.3's
/// <c>--set base=PATH</c> and <c>llmlab sft --base PATH</c>: one of our checkpoints (a <c>step-NNNNNNNN</c> directory, a
/// run directory such as <c>llmlab train</c>'s, or a lab run directory holding <c>checkpoints/</c>, as lab 6 writes), a
/// Hugging Face folder (<see cref="HfImport"/>) or a GGUF file (<see cref="GgufImport"/>). This choice sits here, above
/// Interop, because Alignment comes before Interop in the dependency order: Alignment receives the opened
/// <see cref="SftBaseModel"/>. Stateless.
/// </summary>
public static class SftBaseLoader
{
    /// <summary>What a bad path is told it may be.</summary>
    const string Kinds = "one of our checkpoints (a step-NNNNNNNN directory or the run directory above it), a Hugging Face folder " +
        "(config.json + model.safetensors + tokenizer.json) or a .gguf file";

    /// <summary>Refuses, without loading anything, a path that cannot be a base: missing, a file that is not GGUF, a
    /// folder with neither checkpoints nor a Hugging Face model. <paramref name="key"/> names the setting in the message.</summary>
    /// <exception cref="InputException">The path cannot be a base (the message names it and what it may be).</exception>
    public static void Check(string path, string key = "base")
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path))
        {
            if (!IsGguf(path)) throw new InputException($"{key} '{path}' is a file but not GGUF (no 'GGUF' magic): give {Kinds}");
            return;
        }
        if (!Directory.Exists(path)) throw new InputException($"{key} '{path}' does not exist: give {Kinds}");
        if (HfImport.IsHfFolder(path))
        {
            if (!File.Exists(Path.Combine(path, "tokenizer.json")))
                throw new InputException($"{key} '{path}' is a Hugging Face folder without tokenizer.json: SFT needs the model's tokenizer");
            return;
        }
        if (CheckpointRoot(path) is null)
            throw new InputException($"{key} '{path}' holds no checkpoint and is not a Hugging Face folder: give {Kinds}");
    }

    /// <summary>Opens <paramref name="path"/> (see the class). The caller owns the result.</summary>
    /// <exception cref="InputException">What <see cref="Check"/> refuses, a damaged model, or a tokenizer that is not
    /// byte-level BPE (<see cref="SftBaseModel"/>).</exception>
    public static SftBaseModel Open(string path, string key = "base")
    {
        Check(path, key);
        TorchRuntime.EnsureLoaded();
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)));
        if (File.Exists(path))
        {
            var (gguf, tokenizer) = GgufImport.Load(path);
            return new SftBaseModel(gguf, tokenizer, path, "GGUF file", name);
        }
        if (HfImport.IsHfFolder(path))
        {
            var (hf, tokenizer, _) = HfImport.Load(path);
            return new SftBaseModel(hf, tokenizer, path, "Hugging Face folder", HfName(path) ?? name);
        }
        var (model, plain, info) = GptPretraining.Load(CheckpointRoot(path)!);
        return new SftBaseModel(model, plain, info.Directory, "LlmLab checkpoint", name, info.Step);
    }

    /// <summary>The path to give <see cref="Checkpoint.Resolve"/>: the path itself when it is a checkpoint or holds
    /// step directories, its <c>checkpoints/</c> folder (a lab run directory) when that holds them, else null.</summary>
    static string? CheckpointRoot(string path)
    {
        if (File.Exists(Path.Combine(path, Checkpoint.ManifestName)) || Checkpoint.List(path).Count > 0) return path;
        string inner = Path.Combine(path, "checkpoints");
        return Directory.Exists(inner) && Checkpoint.List(inner).Count > 0 ? inner : null;
    }

    static bool IsGguf(string path)
    {
        Span<byte> magic = stackalloc byte[4];
        using var f = File.OpenRead(path);
        return f.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && magic.SequenceEqual(GgufWriter.Magic);
    }

    /// <summary>config.json's <c>_name_or_path</c> when it names something.</summary>
    static string? HfName(string directory)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "config.json")))?["_name_or_path"] is JsonValue v
                && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) ? s : null;
        }
        catch (System.Text.Json.JsonException) { return null; } // HfImport.Load has already refused a damaged config
    }
}
