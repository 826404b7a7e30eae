using LlmLab.Training.Distributed;

namespace LlmLab.Tests.Distributed;

/// <summary>Runs N ranks as threads over one <see cref="InProcessCollectives.Group"/>; the first failure aborts the group
/// (so no rank hangs) and is rethrown.</summary>
internal static class InProcessRanks
{
    public static T[] Run<T>(int n, Func<ICollectives, T> body, TimeSpan? timeout = null)
    {
        using var group = new InProcessCollectives.Group(n, timeout ?? TimeSpan.FromSeconds(30));
        var results = new T[n];
        var errors = new Exception?[n];
        var threads = Enumerable.Range(0, n).Select(r => new Thread(() =>
        {
            try { results[r] = body(group.For(r)); }
            catch (Exception e) { errors[r] = e; group.Abort(); }
        }, 64 << 20)).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        // The first failure that is not another rank's abort is the cause.
        var cause = errors.FirstOrDefault(e => e is not null and not OperationCanceledException) ?? errors.FirstOrDefault(e => e is not null);
        if (cause is not null) throw new AggregateException($"a rank failed: {cause.Message}", cause);
        return results;
    }
}
