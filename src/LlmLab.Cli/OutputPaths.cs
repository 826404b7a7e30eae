namespace LlmLab.Cli;

/// <summary>
/// Checks an output path before a command does any work, so that an output that cannot be written is refused as bad
/// input (exit 2, one line) instead of failing after minutes with a half-written result: the path is not of the wrong
/// kind (a file where a directory goes, or the reverse), is not one of the command's inputs, and its nearest existing
/// directory accepts a new file (a probe file is created and deleted at once, so nothing is left behind). Stateless.
/// </summary>
public static class OutputPaths
{
    /// <summary>Checks that <paramref name="path"/> can be (or already is) a writable directory.</summary>
    /// <param name="option">How the user named it, e.g. "--out", for the message.</param>
    /// <exception cref="InputException">It is a file, or cannot be written.</exception>
    public static void Directory(string path, string option)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (System.IO.File.Exists(path))
            throw new InputException($"{option} '{path}' is a file: give a directory (a new or an existing one)");
        Probe(path, option);
    }

    /// <summary>Checks that <paramref name="path"/> can be written as a file and is none of <paramref name="inputs"/>.</summary>
    /// <exception cref="InputException">It is a directory, one of the inputs, or cannot be written.</exception>
    public static void File(string path, string option, params string?[] inputs)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (System.IO.Directory.Exists(path))
            throw new InputException($"{option} '{path}' is a directory: give a file name (e.g. {Path.Combine(path, "out.bin")})");
        foreach (string? input in inputs)
            if (input is not null && Same(path, input))
                throw new InputException($"{option} '{path}' is also the input: writing it would destroy the input; give another {option}");
        Probe(Path.GetDirectoryName(Path.GetFullPath(path))!, option, path);
    }

    /// <summary>True when two paths name the same file (after making them absolute and following symbolic links).</summary>
    public static bool Same(string a, string b) => string.Equals(Resolve(a), Resolve(b), StringComparison.Ordinal);

    static string Resolve(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            return new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException)
        {
            return full;
        }
    }

    /// <summary>Creates and deletes a probe file in the nearest existing ancestor of <paramref name="directory"/>.</summary>
    static void Probe(string directory, string option, string? shown = null)
    {
        string named = $"{option} '{shown ?? directory}'";
        string existing = Path.GetFullPath(directory);
        while (!System.IO.Directory.Exists(existing))
        {
            if (System.IO.File.Exists(existing))
                throw new InputException($"{named}: '{existing}' is a file, so nothing can be created under it; give another {option}");
            existing = Path.GetDirectoryName(existing) ?? throw new InputException($"{named}: no existing directory above it");
        }
        string probe = Path.Combine(existing, ".llmlab-probe-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{named} cannot be written ({CliErrors.Reason(e)} in '{existing}'): give another {option}", e);
        }
    }
}
