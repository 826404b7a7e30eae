using System.Diagnostics;

namespace LlmLab.Cli.Bench;

/// <summary>Runs a peer program (spm_train, node, python) for a benchmark and times it from start to exit.</summary>
public static class PeerProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr, double Seconds);

    /// <summary>Runs <paramref name="file"/> with <paramref name="args"/>; stdin from <paramref name="stdinFile"/> if given.
    /// A missing program is an <see cref="InputException"/> that says how to install the peers.</summary>
    public static Result Run(string file, IEnumerable<string> args, string? stdinFile = null, string? workingDirectory = null, int timeoutSeconds = 1800)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdinFile is not null,
            UseShellExecute = false, WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string a in args) psi.ArgumentList.Add(a);
        var sw = Stopwatch.StartNew();
        Process p;
        try { p = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InputException($"peer program '{file}' could not start ({e.Message}); install the peers with bench/setup.sh");
        }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (stdinFile is not null)
            {
                using (var input = File.OpenRead(stdinFile)) input.CopyTo(p.StandardInput.BaseStream);
                p.StandardInput.Close();
            }
            if (!p.WaitForExit(timeoutSeconds * 1000))
            {
                p.Kill(entireProcessTree: true);
                throw new TimeoutException($"{file} ran longer than {timeoutSeconds} s");
            }
            double seconds = sw.Elapsed.TotalSeconds;
            return new Result(p.ExitCode, stdout.Result, stderr.Result, seconds);
        }
    }

    /// <summary>Like <see cref="Run"/>, but a non-zero exit is an error showing the peer's stderr.</summary>
    public static Result RunChecked(string file, IEnumerable<string> args, string? stdinFile = null, string? workingDirectory = null)
    {
        var r = Run(file, args, stdinFile, workingDirectory);
        if (r.ExitCode != 0)
            throw new InvalidOperationException($"{file} exited with {r.ExitCode}: {r.Stderr.Trim().Split('\n').LastOrDefault()}");
        return r;
    }

    /// <summary>The repository's bench/ folder: walks up from the current directory and from the program's folder.</summary>
    public static string BenchFolder()
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "bench", "setup.sh"))) return Path.Combine(d.FullName, "bench");
        throw new InputException("the repository's bench/ folder was not found; run benchmarks from the repository");
    }
}
