using LlmLab.Training.Distributed;

namespace LlmLab.Tests.Distributed;

/// <summary><see cref="InProcessCollectives.Run"/> with the failure wrapped, so tests can assert on it uniformly.</summary>
internal static class InProcessRanks
{
    public static T[] Run<T>(int n, Func<ICollectives, T> body, TimeSpan? timeout = null)
    {
        try
        {
            return InProcessCollectives.Run(n, body, timeout ?? TimeSpan.FromSeconds(30));
        }
        catch (Exception e)
        {
            throw new AggregateException($"a rank failed: {e.Message}", e);
        }
    }
}
