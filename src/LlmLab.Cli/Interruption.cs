using System.Runtime.InteropServices;

namespace LlmLab.Cli;

/// <summary>
/// Ctrl-C (SIGINT) for a long command. The first one is caught: <see cref="Token"/> is cancelled (its callbacks run on
/// the signal's thread) and <paramref name="notice"/> is printed; a second one is left to the default action, which
/// ends the process at once. Dispose to restore the default. Thread-safe.
/// </summary>
public sealed class Interruption : IDisposable
{
    readonly CancellationTokenSource _source = new();
    readonly PosixSignalRegistration _registration;
    int _count;

    /// <param name="log">Where the notice goes (stdout: the error line, if any, comes later on stderr).</param>
    /// <param name="notice">What happens next, e.g. "stopping after this step (Ctrl-C again to stop at once)".</param>
    public Interruption(TextWriter log, string notice)
    {
        _registration = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            if (Interlocked.Increment(ref _count) > 1) return; // the default: terminate now
            context.Cancel = true;
            log.WriteLine();
            log.WriteLine(notice);
            _source.Cancel();
        });
    }

    /// <summary>Cancelled by the first Ctrl-C.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Ends the process at once with <paramref name="code"/>, without running finalizers or native exit
    /// handlers: used after an interruption has been recorded while another thread is still inside libtorch, whose
    /// exit handlers could crash under it.</summary>
    public static void ExitNow(int code)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        if (OperatingSystem.IsWindows()) Environment.Exit(code);
        _exit(code);
    }

    [DllImport("libc", EntryPoint = "_exit")]
    static extern void _exit(int status);

    public void Dispose()
    {
        _registration.Dispose();
        _source.Dispose();
    }
}
