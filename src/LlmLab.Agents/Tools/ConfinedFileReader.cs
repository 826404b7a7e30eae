using System.Text;

namespace LlmLab.Agents.Tools;

/// <summary>
/// Reads text files under one root directory and nowhere else. A requested path is resolved against the root and
/// refused when (1) it leaves the root once normalised ("../", an absolute path elsewhere), (2) any component from the
/// root down is a symbolic link (a link inside the root may point anywhere, so none is followed), (3) it is not a
/// regular file, or (4) the file is binary (holds a NUL byte). Files are read up to <see cref="MaxBytes"/>.
/// Limitation: between the check and the read another process could swap a component for a link (a race that only
/// openat2's RESOLVE_BENEATH closes, which .NET does not expose); the root must not be writable by an adversary.
/// Thread-safe (immutable).
/// </summary>
public sealed class ConfinedFileReader
{
    /// <param name="root">The directory the reader is confined to (must exist).</param>
    /// <param name="maxBytes">Most bytes returned from one file.</param>
    /// <exception cref="InputException">The root does not exist.</exception>
    public ConfinedFileReader(string root, int maxBytes = 64 * 1024)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        string full = Path.GetFullPath(root);
        if (!Directory.Exists(full)) throw new InputException($"file-reader root '{root}' does not exist: give an existing directory");
        // The root itself may be reached through a link (e.g. /tmp on macOS); what is confined is its real location.
        Root = Path.TrimEndingDirectorySeparator(new DirectoryInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full);
        MaxBytes = maxBytes;
    }

    /// <summary>The real path of the directory files are read from.</summary>
    public string Root { get; }

    /// <summary>Most bytes returned from one file (the rest is cut and said so).</summary>
    public int MaxBytes { get; }

    /// <summary>The text of <paramref name="path"/> (relative to <see cref="Root"/>).</summary>
    /// <exception cref="InputException">A path outside the root, through a link, missing, not a file, or binary.</exception>
    public string Read(string path)
    {
        string full = Resolve(path);
        if (!File.Exists(full))
            throw new InputException(Directory.Exists(full) ? $"'{path}' is a directory: name a file (see list_files)"
                : $"no file '{path}' under the root");
        using var fs = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read);
        var buffer = new byte[Math.Min(MaxBytes, Math.Max(0, fs.Length))];
        int n = fs.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (Array.IndexOf(buffer, (byte)0, 0, n) >= 0) throw new InputException($"'{path}' is a binary file: only text files are read");
        string text = Encoding.UTF8.GetString(buffer, 0, n);
        return fs.Length > n ? text + $"\n[… cut: the file has {fs.Length} bytes, the first {n} shown]" : text;
    }

    /// <summary>The regular files under the root (relative paths, '/'-separated, sorted), not entering linked folders.</summary>
    public IReadOnlyList<string> List() =>
        Directory.EnumerateFiles(Root, "*", new EnumerationOptions { RecurseSubdirectories = true,
            AttributesToSkip = FileAttributes.ReparsePoint })
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();

    /// <summary>The full path of <paramref name="path"/> after the confinement checks.</summary>
    /// <exception cref="InputException">Outside the root or through a symbolic link.</exception>
    public string Resolve(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new InputException("the path is empty: name a file under the root");
        if (path.Contains('\0')) throw new InputException("the path holds a NUL character");
        string full = Path.GetFullPath(Path.Combine(Root, path));
        string rel = Path.GetRelativePath(Root, full);
        if (rel == ".." || rel.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.IsPathRooted(rel))
            throw new InputException($"'{path}' is outside the readable directory: only files under it can be read");
        // Every component from the root down: a link anywhere could lead out.
        string current = Root;
        foreach (string part in rel.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".") continue;
            current = Path.Combine(current, part);
            if (new FileInfo(current).LinkTarget is not null) // a link, to a file or a folder, dangling or not
                throw new InputException($"'{path}' goes through a symbolic link: links are not followed");
        }
        return full;
    }
}
