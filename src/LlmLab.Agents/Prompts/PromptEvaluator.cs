using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace LlmLab.Agents.Prompts;

/// <summary>
/// Runs a suite: every provider answers every test asked with every variant, one call at a time (so that one call's
/// latency is not another's queueing), and each reply is judged by the test's assertions. A call that throws fails its
/// cell with the error's message; cancellation stops the run. Thread-safe (stateless); the clients must be usable from
/// the calling thread.
/// </summary>
public static class PromptEvaluator
{
    /// <summary>Evaluates <paramref name="suite"/> with <paramref name="providers"/> (id, client).</summary>
    /// <param name="suite">Variants, tests, options.</param>
    /// <param name="providers">The models to ask, by id.</param>
    /// <param name="onCell">Called after each cell (progress).</param>
    /// <param name="cancellationToken">Stops the run between or inside calls.</param>
    public static PromptEvalResult Run(PromptSuite suite, IReadOnlyList<KeyValuePair<string, IChatClient>> providers,
        Action<PromptCell>? onCell = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(providers);
        if (providers.Count == 0) throw new InputException($"{suite.Source}: no provider to ask: add providers to the file " +
            "or give --provider");
        suite.CheckVariables();
        var options = new ChatOptions
        {
            Temperature = (float)suite.Options.Temperature, MaxOutputTokens = suite.Options.MaxTokens, Seed = suite.Options.Seed,
        };
        var cells = new List<PromptCell>();
        foreach (var (id, client) in providers)
            foreach (var variant in suite.Variants)
                foreach (var test in suite.Tests)
                {
                    var cell = Ask(id, client, variant, test, options, cancellationToken);
                    cells.Add(cell);
                    onCell?.Invoke(cell);
                }
        return new PromptEvalResult(suite, providers.Select(p => p.Key).ToArray(), cells);
    }

    static PromptCell Ask(string provider, IChatClient client, PromptVariant variant, PromptTest test, ChatOptions options,
        CancellationToken ct)
    {
        var messages = variant.Messages(test);
        var start = Stopwatch.GetTimestamp();
        ChatResponse response;
        try
        {
            response = client.GetResponseAsync(messages, options.Clone(), ct).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            double failedMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            return new PromptCell(provider, variant.Id, test.Id, "", "", failedMs, null, null, e.Message.Split('\n')[0], []);
        }
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        string reply = response.Text ?? "";
        string answer = variant.Answer(reply);
        long? input = response.Usage?.InputTokenCount, output = response.Usage?.OutputTokenCount;
        var outcomes = test.Assertions.Select(a => AssertionJudge.Judge(a, answer, ms, input, output, test)).ToArray();
        return new PromptCell(provider, variant.Id, test.Id, reply, answer, ms, input, output, null, outcomes);
    }
}
