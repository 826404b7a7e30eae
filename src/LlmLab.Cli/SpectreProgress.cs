using LlmLab.Reporting;
using Spectre.Console;

namespace LlmLab.Cli;

/// <summary>Progress bars on a terminal (Spectre.Console); the caller uses <see cref="NullProgress"/> when
/// output is redirected, so logs and CI output stay clean.</summary>
public sealed class SpectreProgress(ProgressContext context) : IProgressSink
{
    readonly object _gate = new();

    public static bool Interactive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="work"/> with a live progress display when interactive, else with none.</summary>
    public static T Run<T>(Func<IProgressSink, T> work)
    {
        if (!Interactive) return work(NullProgress.Instance);
        T result = default!;
        AnsiConsole.Progress().AutoClear(true).HideCompleted(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx => result = work(new SpectreProgress(ctx)));
        return result;
    }

    public IProgressTask Begin(string description, double total)
    {
        lock (_gate) return new Task(context.AddTask(Markup.Escape(description), maxValue: Math.Max(total, 1e-9)));
    }

    sealed class Task(ProgressTask task) : IProgressTask
    {
        public void Increment(double amount = 1) => task.Increment(amount);
        public string Description { set => task.Description = Markup.Escape(value); }
        public void Dispose() => task.StopTask();
    }
}
