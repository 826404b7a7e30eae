using System.Diagnostics;
using System.Text;
using LlmLab.Cli;
using LlmLab.Training.Distributed;

namespace LlmLab.Tests.Distributed;

/// <summary>
/// <c>mpirun -np N --allow-run-as-root --oversubscribe dotnet exec llmlab …</c> as a child process (the built CLI the tests
/// reference, not <c>dotnet run</c>), tagged with a unique environment variable so that its ranks can be found in /proc.
/// Fails the test, naming the package, when OpenMPI is not installed. Dispose kills the job if still running.
/// </summary>
internal sealed class MpiJob : IDisposable
{
    readonly Process _process;
    readonly StringBuilder _out = new();
    readonly string _tag = Guid.NewGuid().ToString("N");

    public MpiJob(int ranks, params string[] args)
    {
        Assert.True(File.Exists("/usr/bin/mpirun") && MpiCollectives.LibraryAvailable,
            $"mpirun or libmpi.so.40 is missing: install {MpiCollectives.Package} (.ci/run does)");
        var start = new ProcessStartInfo("mpirun") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])["-np", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture), "--allow-run-as-root",
                     "--oversubscribe", "dotnet", "exec", typeof(CliApp).Assembly.Location, .. args])
            start.ArgumentList.Add(a);
        start.Environment["LLMLAB_TEST_MPI_JOB"] = _tag;
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_out) _out.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_out) _out.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>stdout and stderr of every rank and of mpirun, interleaved.</summary>
    public string Output { get { lock (_out) return _out.ToString(); } }

    /// <summary>Waits for the job to end; fails the test when it runs past <paramref name="timeout"/>.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        Assert.True(_process.WaitForExit(timeout), $"mpirun still running after {timeout.TotalSeconds} s:\n{Output}");
        _process.WaitForExit(); // drains the output
        return _process.ExitCode;
    }

    /// <summary>Waits until the output contains <paramref name="text"/>.</summary>
    public void WaitForOutput(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            Assert.False(_process.HasExited, $"mpirun ended (exit {(_process.HasExited ? _process.ExitCode : 0)}) before '{text}':\n{Output}");
            Assert.True(clock.Elapsed < timeout, $"no '{text}' within {timeout.TotalSeconds} s:\n{Output}");
            Thread.Sleep(50);
        }
    }

    /// <summary>The process id of rank <paramref name="rank"/> of this job (read from /proc: its environment holds this
    /// job's tag and OMPI_COMM_WORLD_RANK).</summary>
    public int RankProcess(int rank)
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            string env;
            try { env = File.ReadAllText(Path.Combine(dir, "environ")); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            var vars = env.Split('\0');
            if (vars.Contains("LLMLAB_TEST_MPI_JOB=" + _tag) && vars.Contains($"OMPI_COMM_WORLD_RANK={rank}")
                && File.ReadAllText(Path.Combine(dir, "comm")).Trim() == "dotnet")
                return pid;
        }
        Assert.Fail($"no process of rank {rank} found:\n{Output}");
        return -1;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
