namespace LlmLab.Cli;

/// <summary>How the CLI tells I/O failures apart and keeps every error message to one line. Stateless.</summary>
public static class CliErrors
{
    // errno values (Linux, macOS): .NET puts the raw errno of an unmapped I/O error in IOException.HResult.
    const int Erofs = 30, Enospc = 28;

    /// <summary>True when <paramref name="e"/> is a write refused by a read-only file system (EROFS).</summary>
    public static bool IsReadOnly(IOException e) => e.HResult == Erofs;

    /// <summary>True when <paramref name="e"/> is a write that ran out of space (ENOSPC).</summary>
    public static bool IsDiskFull(IOException e) => e.HResult == Enospc;

    /// <summary>Why a path cannot be written, in a few words ("read-only file system", "permission denied").</summary>
    public static string Reason(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        IOException io when IsReadOnly(io) => "read-only file system",
        IOException io when IsDiskFull(io) => "no space left on device",
        _ => OneLine(e.Message),
    };

    /// <summary><paramref name="message"/> with its line breaks (and the spaces around them) turned into "; ".</summary>
    public static string OneLine(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "" : string.Join("; ", lines);
    }
}
