namespace LlmLab.Tests.Cli;

/// <summary>Every file and directory under a root, with sizes and write times: equal snapshots before and after a
/// refused command mean it left nothing behind and changed nothing.</summary>
internal static class DirectorySnapshot
{
    public static string Take(string root)
    {
        if (!Directory.Exists(root)) return "(absent)";
        return string.Join("\n", new DirectoryInfo(root).EnumerateFileSystemInfos("*", SearchOption.AllDirectories)
            .Select(i => i is FileInfo f ? $"{f.FullName} {f.Length} {f.LastWriteTimeUtc.Ticks}" : i.FullName + "/")
            .Order(StringComparer.Ordinal));
    }
}
