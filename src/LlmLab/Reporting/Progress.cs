namespace LlmLab.Reporting;

/// <summary>Where long-running work reports progress. The CLI draws bars on a terminal and stays quiet otherwise.
/// Implementations must be thread-safe.</summary>
public interface IProgressSink
{
    /// <summary>Starts a task of <paramref name="total"/> units (e.g. documents, steps). Dispose it when done.</summary>
    IProgressTask Begin(string description, double total);
}

/// <summary>One task on a progress display.</summary>
public interface IProgressTask : IDisposable
{
    void Increment(double amount = 1);
    string Description { set; }
}

/// <summary>A sink that shows nothing (tests, redirected output).</summary>
public sealed class NullProgress : IProgressSink
{
    public static readonly NullProgress Instance = new();
    public IProgressTask Begin(string description, double total) => Task.Instance;

    sealed class Task : IProgressTask
    {
        public static readonly Task Instance = new();
        public void Increment(double amount = 1) { }
        public string Description { set { } }
        public void Dispose() { }
    }
}
