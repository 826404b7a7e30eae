namespace LlmLab.Planning;

/// <summary>
/// The worked use-case examples shipped in the repository's <c>examples/usecases/</c>, found from wherever the
/// program runs: the current directory or the program's own folder, walking up until a folder holding
/// <c>examples/usecases</c> appears. Thread-safe.
/// </summary>
public static class UseCaseExamples
{
    /// <summary>The folder's path relative to the repository root.</summary>
    public const string RelativeFolder = "examples/usecases";

    /// <summary>The file names of the worked examples, in the order the course presents them.</summary>
    public static readonly IReadOnlyList<string> FileNames = ["faq-support-assistant.yaml", "invoice-field-extraction.yaml"];

    /// <summary>The examples folder, or null when neither start point lies inside the repository.</summary>
    public static string? FindFolder()
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, RelativeFolder);
                if (Directory.Exists(candidate)) return candidate;
            }
        return null;
    }

    /// <summary>
    /// Resolves a spec path: as given when it exists (relative to the current directory), else — for a path that
    /// starts with <c>examples/usecases/</c> or is a bare example name — inside the examples folder found by
    /// <see cref="FindFolder"/>. Throws <see cref="InputException"/> naming what was tried.
    /// </summary>
    public static string Resolve(string path)
    {
        if (File.Exists(path)) return Path.GetFullPath(path);
        string norm = path.Replace('\\', '/');
        string name = norm.StartsWith(RelativeFolder + "/", StringComparison.Ordinal) ? norm[(RelativeFolder.Length + 1)..] : norm;
        if (!name.Contains('/') && FindFolder() is { } folder && File.Exists(Path.Combine(folder, name)))
            return Path.Combine(folder, name);
        throw new InputException($"use-case spec '{path}' not found (from {Environment.CurrentDirectory}, nor in an " +
            $"'{RelativeFolder}' folder above it or above the program); give an existing path, e.g. --set specs=my-usecase.yaml");
    }
}
