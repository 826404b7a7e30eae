using System.Diagnostics;
using System.Text;
using LlmLab.Cli;

namespace LlmLab.Tests;

/// <summary>
/// A real <c>llmlab</c> process (<c>dotnet exec</c> of the CLI assembly the tests reference), for what an in-process
/// run cannot show: signals and exit codes. Output is collected as it comes; dispose kills it if still running.
/// </summary>
internal sealed class CliProcess : IDisposable
{
    readonly Process _process;
    readonly StringBuilder _out = new(), _err = new();

    public CliProcess(params string[] args)
    {
        // A runner started in the background (nohup, `cmd &` in a script, some CI agents) ignores SIGINT, and an ignored
        // signal stays ignored across exec: coreutils' `env --default-signal=INT` (coreutils ≥ 8.31) gives the child the
        // default disposition a terminal user's process has, so the test sees what Ctrl-C does.
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])["--default-signal=INT", "dotnet", "exec", typeof(CliApp).Assembly.Location, .. args])
            start.ArgumentList.Add(a);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_out) _out.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_err) _err.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Out { get { lock (_out) return _out.ToString(); } }
    public bool HasExited => _process.HasExited;
    public string Err { get { lock (_err) return _err.ToString(); } }

    /// <summary>Waits until stdout contains <paramref name="text"/>; fails the test with the output when the process ends
    /// or the time runs out first.</summary>
    public void WaitForOutput(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!Out.Contains(text, StringComparison.Ordinal))
        {
            Assert.False(_process.HasExited, $"the process ended (exit {(_process.HasExited ? _process.ExitCode : 0)}) before printing '{text}':\n{Out}\n{Err}");
            Assert.True(clock.Elapsed < timeout, $"no '{text}' within {timeout.TotalSeconds} s:\n{Out}\n{Err}");
            Thread.Sleep(20);
        }
    }

    /// <summary>Sends SIGINT, as Ctrl-C in a terminal does.</summary>
    public void Interrupt() => Signal("INT");

    /// <summary>Sends SIGTERM, as a service manager (systemd, Kubernetes) does to stop a process.</summary>
    public void Terminate() => Signal("TERM");

    void Signal(string name)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>The exit code; fails the test (naming a SIGINT ignored by the runner, the usual cause) past the timeout.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        Assert.True(_process.WaitForExit(timeout), $"the process did not end within {timeout.TotalSeconds} s of the signal " +
            $"(is SIGINT ignored in the test runner, e.g. started as a background job?):\n{Out}\n{Err}");
        _process.WaitForExit(); // drains the output readers
        return _process.ExitCode;
    }

    /// <summary>SIGKILL (no finally blocks, no flush) if still running, then waits until the process is gone.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.Dispose();
    }
}
