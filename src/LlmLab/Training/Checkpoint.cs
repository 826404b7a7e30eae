using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LlmLab.Training;

/// <summary>
/// The on-disk checkpoint: one directory per step, <c>step-00000120/</c>, holding
/// <list type="bullet">
/// <item><c>model.tensors</c>: the weights (fp32 masters in bf16 runs) and buffers, <see cref="TensorFile"/> format;</item>
/// <item><c>optimizer.tensors</c>: AdamW's moments, named "parameter/exp_avg";</item>
/// <item>any extras the caller writes (e.g. <c>tokenizer.bin</c>);</item>
/// <item><c>checkpoint.json</c>, written last: format name and version, step, trainer options, the caller's config,
/// optimizer step counts, libtorch's RNG state, the batch provider's position, the metrics so far, the validation
/// loss at this step, the intra-op thread count, the SHA-256 of each tensor file, and (version 2) the SHA-256 of the
/// manifest itself.</item>
/// </list>
/// Publication is atomic: everything is written into a hidden temporary sibling (<c>.step-00000120.&lt;id&gt;.tmp</c>),
/// flushed, then the directory is renamed. A process killed mid-write leaves only a temporary directory, which
/// <see cref="List"/> ignores and the next save deletes; a published directory is complete, and <see cref="Load"/>
/// re-checks its hashes. Stateless; not safe for two writers on one directory.
/// </summary>
public static partial class Checkpoint
{
    /// <summary>The format name in <c>checkpoint.json</c>.</summary>
    public const string Format = "llmlab-checkpoint";

    /// <summary>The version this code writes. Version 2 adds <see cref="ManifestHashKey"/>; version 1 (no manifest
    /// checksum) is still read, its tensor files verified as before.</summary>
    public const int FormatVersion = 2;

    /// <summary>The key of the manifest's own SHA-256: of the manifest without this key, as compact JSON
    /// (<see cref="ManifestSha256"/>), so an edited step, data position or option is refused.</summary>
    public const string ManifestHashKey = "manifest_sha256";

    /// <summary>The file that completes a checkpoint.</summary>
    public const string ManifestName = "checkpoint.json";

    public const string ModelFile = "model.tensors";
    public const string OptimizerFile = "optimizer.tensors";

    [GeneratedRegex(@"^step-(\d{8})$")]
    private static partial Regex StepDirectory();

    /// <summary>The directory name of step <paramref name="step"/>: "step-00000120".</summary>
    public static string DirectoryName(int step) => "step-" + step.ToString("D8", CultureInfo.InvariantCulture);

    /// <summary>
    /// Writes a checkpoint of step <paramref name="step"/> under <paramref name="root"/> and publishes it by renaming.
    /// <paramref name="writeFiles"/> fills the temporary directory with the tensor files and extras; the manifest
    /// <paramref name="manifest"/> then gets the format fields and file hashes and is written last.
    /// </summary>
    /// <returns>The published checkpoint.</returns>
    /// <exception cref="IOException">The step's directory already exists (a checkpoint is never overwritten).</exception>
    public static CheckpointInfo Save(string root, int step, JsonObject manifest, Action<string> writeFiles)
    {
        Directory.CreateDirectory(root);
        DeleteTemporaries(root);
        string final = Path.Combine(root, DirectoryName(step));
        if (Directory.Exists(final)) throw new IOException($"checkpoint '{final}' already exists; a checkpoint is never overwritten");
        string tmp = Path.Combine(root, "." + DirectoryName(step) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        Directory.CreateDirectory(tmp);
        try
        {
            writeFiles(tmp);
            manifest["format"] = Format;
            manifest["version"] = FormatVersion;
            manifest["step"] = step;
            var hashes = new JsonObject();
            foreach (string file in Directory.GetFiles(tmp).Order(StringComparer.Ordinal))
                hashes[Path.GetFileName(file)] = Sha256(file);
            manifest["files"] = hashes;
            manifest.Remove(ManifestHashKey);
            manifest[ManifestHashKey] = ManifestSha256(manifest);
            using (var fs = new FileStream(Path.Combine(tmp, ManifestName), FileMode.CreateNew, FileAccess.Write))
            {
                using (var w = new Utf8JsonWriter(fs, new JsonWriterOptions { Indented = true })) manifest.WriteTo(w);
                fs.Flush(flushToDisk: true);
            }
            Directory.Move(tmp, final);
        }
        catch (Exception e)
        {
            try { Directory.Delete(tmp, recursive: true); } catch (IOException) { }
            if (e is IOException && e is not FileNotFoundException and not DirectoryNotFoundException)
                throw new IOException($"saving checkpoint '{final}' failed ({e.Message}); nothing of it was kept", e.HResult);
            throw;
        }
        return new CheckpointInfo(final, step, ValidationLoss(manifest), manifest);
    }

    /// <summary>
    /// Reads and verifies the checkpoint in <paramref name="directory"/>: the manifest parses, has our format and
    /// version, and every listed file exists with its recorded SHA-256.
    /// </summary>
    /// <exception cref="InputException">No checkpoint there, another format or version, or a missing or damaged file.</exception>
    public static CheckpointInfo Load(string directory)
    {
        string manifestPath = Path.Combine(directory, ManifestName);
        if (!File.Exists(manifestPath))
            throw new InputException($"'{directory}' is not a checkpoint (no {ManifestName}): give a step-NNNNNNNN directory or a run directory that holds one");
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(manifestPath)) as JsonObject ?? throw new InputException($"'{manifestPath}' is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InputException($"'{manifestPath}' is not valid JSON ({e.Message}): the checkpoint is damaged", e);
        }
        if ((string?)json["format"] != Format) throw new InputException($"'{manifestPath}' is not an llmlab checkpoint (format '{(string?)json["format"]}')");
        int version = json["version"] is JsonValue jv && jv.TryGetValue(out int parsed) ? parsed : -1;
        if (version is not (1 or FormatVersion))
            throw new InputException($"'{manifestPath}': checkpoint format version {version}, this build reads versions 1 and " +
                                     $"{FormatVersion}: use a matching llmlab");
        string? recorded = json[ManifestHashKey] is JsonValue hv && hv.TryGetValue(out string? h) ? h : null;
        if (version == 1 && json.ContainsKey(ManifestHashKey))
            throw new InputException($"'{manifestPath}' says version 1 but carries a {ManifestHashKey}: " +
                                     "the manifest was edited or is damaged");
        if (version >= 2 && recorded != ManifestSha256(json))
            throw new InputException($"'{manifestPath}' does not match its recorded {ManifestHashKey}: " +
                                     "the manifest was edited or is damaged " +
                "(its step, data position and options decide what a resumed run computes); resume from another checkpoint");
        if (json["files"] is not JsonObject files) throw new InputException($"'{manifestPath}' lists no files: the checkpoint is damaged");
        foreach (var (name, hash) in files)
        {
            string path = Path.Combine(directory, name);
            if (!File.Exists(path)) throw new InputException($"checkpoint '{directory}' lacks its file {name}: the checkpoint is damaged");
            if (Sha256(path) != (string?)hash) throw new InputException($"checkpoint '{directory}': {name} does not match its recorded SHA-256; the file is damaged");
        }
        int step = (int?)json["step"] ?? throw new InputException($"'{manifestPath}' has no step");
        return new CheckpointInfo(directory, step, ValidationLoss(json), json);
    }

    /// <summary>The published checkpoints under <paramref name="root"/>, oldest first (by name; contents not verified).
    /// Temporary directories of interrupted saves are skipped.</summary>
    public static IReadOnlyList<(int Step, string Directory)> List(string root)
    {
        if (!Directory.Exists(root)) return [];
        return Directory.GetDirectories(root)
            .Select(d => (Match: StepDirectory().Match(Path.GetFileName(d)), Directory: d))
            .Where(x => x.Match.Success && File.Exists(Path.Combine(x.Directory, ManifestName)))
            .Select(x => (int.Parse(x.Match.Groups[1].Value, CultureInfo.InvariantCulture), x.Directory))
            .OrderBy(x => x.Item1).ToList();
    }

    /// <summary>Step directories under <paramref name="root"/> without a manifest, oldest first. Publication renames a
    /// complete directory, so such a directory was damaged or copied in part after it was published.</summary>
    public static IReadOnlyList<(int Step, string Directory)> Incomplete(string root)
    {
        if (!Directory.Exists(root)) return [];
        return Directory.GetDirectories(root)
            .Select(d => (Match: StepDirectory().Match(Path.GetFileName(d)), Directory: d))
            .Where(x => x.Match.Success && !File.Exists(Path.Combine(x.Directory, ManifestName)))
            .Select(x => (int.Parse(x.Match.Groups[1].Value, CultureInfo.InvariantCulture), x.Directory))
            .OrderBy(x => x.Item1).ToList();
    }

    /// <summary>The refusal for a step directory without a manifest under <paramref name="root"/>.</summary>
    public static string IncompleteMessage(string directory, string root)
    {
        var newest = List(root);
        return $"'{directory}' has no {ManifestName}, so it is not a complete checkpoint (damaged, or copied in part); training would " +
               $"reach its step and could not save there: move it out of '{root}' or delete it, then run again" +
               (newest.Count > 0 ? $" (the newest complete checkpoint is {Path.GetFileName(newest[^1].Directory)})" : "");
    }

    /// <summary>
    /// The checkpoint that <paramref name="path"/> names: itself when it holds a manifest, else the newest published
    /// checkpoint under it (verified with <see cref="Load"/>). A run directory whose newest step directory has no
    /// manifest is refused rather than silently resumed from an older step.
    /// </summary>
    /// <exception cref="InputException">No checkpoint there, a newer incomplete one, or the one found fails <see cref="Load"/>.</exception>
    public static CheckpointInfo Resolve(string path)
    {
        if (File.Exists(Path.Combine(path, ManifestName))) return Load(path);
        if (!Directory.Exists(path)) throw new InputException($"checkpoint '{path}' does not exist: give a run directory or one of its step-NNNNNNNN directories");
        var all = List(path);
        var incomplete = Incomplete(path);
        if (incomplete.Count > 0 && (all.Count == 0 || incomplete[^1].Step > all[^1].Step))
            throw new InputException(IncompleteMessage(incomplete[^1].Directory, path));
        if (all.Count == 0) throw new InputException($"'{path}' holds no checkpoint (no step-NNNNNNNN directory with a {ManifestName})");
        return Load(all[^1].Directory);
    }

    /// <summary>Deletes all but the newest <paramref name="keepLast"/> checkpoints under <paramref name="root"/>, sparing
    /// the one with the lowest validation loss when <paramref name="keepBest"/>. Returns the best (or null).</summary>
    public static CheckpointInfo? Prune(string root, int keepLast, bool keepBest)
    {
        var all = List(root);
        CheckpointInfo? best = null;
        if (keepBest)
            foreach (var (step, dir) in all)
            {
                var loss = ReadValidationLoss(dir);
                if (loss is { } l && (best?.ValidationLoss is not { } b || l < b)) best = new CheckpointInfo(dir, step, l, []);
            }
        foreach (var (_, dir) in all.Take(Math.Max(0, all.Count - keepLast)))
            if (best is null || dir != best.Directory) Directory.Delete(dir, recursive: true);
        return best;
    }

    /// <summary>The checkpoint with the lowest validation loss under <paramref name="root"/>, verified; null when none
    /// recorded a validation loss.</summary>
    public static CheckpointInfo? Best(string root)
    {
        var best = List(root).Select(c => (c.Directory, Loss: ReadValidationLoss(c.Directory))).Where(c => c.Loss is not null)
            .OrderBy(c => c.Loss).FirstOrDefault();
        return best.Directory is null ? null : Load(best.Directory);
    }

    static double? ReadValidationLoss(string dir)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(Path.Combine(dir, ManifestName))) is JsonObject o ? ValidationLoss(o) : null;
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null;
        }
    }

    static double? ValidationLoss(JsonObject json) => json["validation_loss"] is JsonValue v && v.TryGetValue(out double d) ? d : null;

    /// <summary>Removes the temporary directories that interrupted saves left behind.</summary>
    static void DeleteTemporaries(string root)
    {
        foreach (string dir in Directory.GetDirectories(root, ".step-*.tmp"))
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    /// <summary>Loads the weights (and buffers) of <paramref name="checkpoint"/> into <paramref name="module"/>, by name,
    /// converting to the module's dtype.</summary>
    /// <exception cref="InputException">A weight missing, extra, or of another shape (another model config).</exception>
    public static void LoadWeights(CheckpointInfo checkpoint, TorchSharp.torch.nn.Module module)
    {
        var saved = TensorFile.Read(Path.Combine(checkpoint.Directory, ModelFile));
        try
        {
            using var noGrad = TorchSharp.torch.no_grad();
            var targets = module.named_parameters().Select(p => (p.name, (TorchSharp.torch.Tensor)p.parameter))
                .Concat(module.named_buffers().Select(b => ("buffer:" + b.name, b.buffer))).ToList();
            foreach (var (name, t) in targets) CopyInto(checkpoint, "weight", name, t, saved);
            if (saved.Count > targets.Count)
                throw new InputException($"checkpoint '{checkpoint.Directory}' has weights this model lacks ({string.Join(", ", saved.Keys.Except(targets.Select(t => t.Item1)).Take(3))}): it is of another model config");
        }
        finally
        {
            foreach (var t in saved.Values) t.Dispose();
        }
    }

    internal static void CopyInto(CheckpointInfo ckpt, string what, string name, TorchSharp.torch.Tensor target, Dictionary<string, TorchSharp.torch.Tensor> saved)
    {
        if (!saved.TryGetValue(name, out var source))
            throw new InputException($"checkpoint '{ckpt.Directory}' has no {what} '{name}': it was saved from another model config");
        if (!source.shape.SequenceEqual(target.shape))
            throw new InputException($"checkpoint '{ckpt.Directory}': {what} '{name}' is ({string.Join(", ", source.shape)}) there and " +
                $"({string.Join(", ", target.shape)}) in this model: it was saved from another model config");
        target.copy_(source);
    }

    /// <summary>SHA-256 (lower-case hex) of <paramref name="manifest"/> without its <see cref="ManifestHashKey"/>, serialised
    /// as compact JSON with the default encoder: the same text whether the object was built in memory or parsed back,
    /// since numbers keep their written form and strings are re-escaped by the same rules.</summary>
    public static string ManifestSha256(JsonObject manifest)
    {
        var copy = (JsonObject)manifest.DeepClone();
        copy.Remove(ManifestHashKey);
        return Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(copy.ToJsonString())));
    }

    /// <summary>SHA-256 of a file, lower-case hex.</summary>
    public static string Sha256(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(fs));
    }
}
