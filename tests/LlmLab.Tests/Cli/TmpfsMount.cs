using System.Diagnostics;

namespace LlmLab.Tests.Cli;

/// <summary>
/// A tmpfs mounted for one test: read-only (a location no process can write, root included: chmod does not stop root)
/// or tiny (a disk that fills up). Needs root and mount(8), as CI has; where they are missing, <see cref="Create"/>
/// fails the test with the reason instead of letting it pass without the condition. Unmounted on dispose.
/// </summary>
internal sealed class TmpfsMount : IDisposable
{
    TmpfsMount(string path) => Path = path;

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="kilobytes"/> at a new directory under <paramref name="parent"/>.</summary>
    public static TmpfsMount Create(string parent, int kilobytes, bool readOnly)
    {
        string dir = Directory.CreateDirectory(System.IO.Path.Combine(parent, readOnly ? "ro-mount" : "tiny-mount")).FullName;
        var (code, output) = Exec("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k{(readOnly ? ",ro" : "")}", "tmpfs", dir);
        Assert.True(code == 0, $"cannot mount a tmpfs at {dir} (exit {code}: {output.Trim()}): this test needs root and mount(8) " +
                               "to create a genuinely read-only or full file system (CI runs as root)");
        return new TmpfsMount(dir);
    }

    static (int Code, string Output) Exec(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) start.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(start)!;
            string text = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, text);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, $"{file}: {e.Message}");
        }
    }

    public void Dispose()
    {
        if (Exec("umount", Path).Code != 0) Exec("umount", "-l", Path);
        try { Directory.Delete(Path); } catch (IOException) { }
    }
}
