using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace LlmLab.Cli.Bench;

/// <summary>
/// Runs a PyTorch peer script of <c>bench/pytorch/</c> with a given Python (Debian's <c>/usr/bin/python3</c> with
/// python3-torch by default) and the same intra-op thread count as our side.
/// </summary>
public static class PythonPeer
{
    /// <summary>The default interpreter: Debian's, which has python3-torch (the <c>python3</c> on PATH may be another).</summary>
    public const string DefaultPython = "/usr/bin/python3";

    /// <summary>bench/pytorch/<paramref name="fileName"/>, looked for from the working directory and from the program's folder upwards.</summary>
    /// <exception cref="InputException">Not found.</exception>
    public static string FindScript(string fileName)
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                string candidate = Path.Combine(d.FullName, "bench", "pytorch", fileName);
                if (File.Exists(candidate)) return candidate;
            }
        throw new InputException($"cannot find bench/pytorch/{fileName} above the working directory; run from the repository or pass --script PATH");
    }

    /// <summary>PyTorch's version, or an error that says how to install it.</summary>
    /// <exception cref="InputException">The interpreter cannot import torch.</exception>
    public static string Probe(string python)
    {
        var (code, stdout, stderr) = Exec(python, ["-c", "import torch; print(torch.__version__)"], threads: 1);
        if (code != 0)
            throw new InputException($"--python '{python}' cannot import torch ({Last(stderr)}); install Debian's python3-torch " +
                "(apt-get install -y python3-torch libopenblas0-pthread) or pass --python with a Python that has PyTorch");
        return stdout.Trim();
    }

    /// <summary>Runs <paramref name="script"/> with <paramref name="arguments"/>; a non-zero exit is an error with its last line.</summary>
    public static void Run(string python, string script, int threads, string[] arguments)
    {
        var (code, _, stderr) = Exec(python, [script, .. arguments], threads);
        if (code != 0) throw new InvalidOperationException($"{script} failed (exit {code}): {Last(stderr)}");
    }

    static (int Code, string Out, string Err) Exec(string file, string[] arguments, int threads)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in arguments) info.ArgumentList.Add(a);
        // The same intra-op thread count on both sides (torch.set_num_threads in the script; OpenMP and BLAS pools here).
        info.Environment["OMP_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
        info.Environment["OPENBLAS_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
        try
        {
            using var p = Process.Start(info) ?? throw new InputException($"--python '{file}' could not be started");
            var stdout = p.StandardOutput.ReadToEndAsync();
            string stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, stdout.Result, stderr);
        }
        catch (Win32Exception e)
        {
            throw new InputException($"--python '{file}' could not be started ({e.Message}); give the path of a Python 3 with PyTorch (Debian: /usr/bin/python3 with python3-torch)", e);
        }
    }

    static string Last(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "no message" : lines[^1];
    }
}
