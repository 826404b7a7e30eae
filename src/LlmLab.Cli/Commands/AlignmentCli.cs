using System.Text.Json;
using LlmLab.Training;

namespace LlmLab.Cli.Commands;

/// <summary>What <c>rm</c>, <c>dpo</c> and <c>ppo</c> share: a strict JSON options file (snake_case; an unknown key or a
/// wrong type is an error naming the file and the keys), and the output check before any work.</summary>
internal static class AlignmentCli
{
    /// <summary>The options in <paramref name="path"/>, or <paramref name="defaults"/> when no file is given.</summary>
    /// <exception cref="InputException">A missing file or a bad key or value.</exception>
    public static T ReadConfig<T>(string? path, T defaults, string keys) where T : class
    {
        if (path is null) return defaults;
        if (!File.Exists(path)) throw new InputException($"config file '{path}' does not exist");
        try { return JsonSerializer.Deserialize<T>(File.ReadAllText(path), TrainingJson.Strict) ?? defaults; }
        catch (JsonException e) { throw new InputException($"config file '{path}': {e.Message.Split(". Path")[0]} (keys: {keys})"); }
    }

    /// <summary>The output directory: writable, not a file, not holding a checkpoint already.</summary>
    /// <exception cref="InputException">It cannot be used.</exception>
    public static void CheckOut(string outDir)
    {
        OutputPaths.Directory(outDir, "--out");
        if (Checkpoint.List(outDir).Count > 0) throw new InputException($"'{outDir}' already holds checkpoints: write into another directory");
    }
}
