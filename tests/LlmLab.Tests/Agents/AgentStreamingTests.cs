using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LlmLab.Agents.Agent;
using LlmLab.Agents.Tools;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;

namespace LlmLab.Tests.Agents;

/// <summary>The agent loop streamed: a scripted model that streams its text word by word, tools run between its turns,
/// the same answers, stop reasons and trace (event for event, times aside) as the whole run; and <c>agent run --stream</c>.</summary>
public sealed class AgentStreamingTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-agent-stream-").FullName;
    readonly SampleWorkspace _ws;
    readonly IReadOnlyList<AIFunction> _tools;

    public AgentStreamingTests()
    {
        _ws = SampleWorkspace.Create(Path.Combine(_root, "ws"));
        _tools = _ws.Tools(new FixedClock(AgentTaskSet.Now));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>The scripted policy, streamed one word at a time (a call arrives whole, as a server sends it).</summary>
    sealed class WordByWord(IChatClient inner) : DelegatingChatClient(inner)
    {
        public int TextUpdates;

        public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
            ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var response = await base.GetResponseAsync(messages, options, cancellationToken);
            foreach (var m in response.Messages)
            {
                var calls = m.Contents.OfType<FunctionCallContent>().ToList();
                if (calls.Count > 0) yield return new ChatResponseUpdate(ChatRole.Assistant, [.. calls]) { MessageId = "m" };
                foreach (string piece in Regex.Split(m.Text, @"(?<=\s)(?=\S)").Where(p => p.Length > 0))
                {
                    await Task.Yield();                                                      // a real stream: each piece later
                    Interlocked.Increment(ref TextUpdates);
                    yield return new ChatResponseUpdate(ChatRole.Assistant, piece) { MessageId = "m" };
                }
            }
        }
    }

    /// <summary>The trace's events without what differs between two runs of the same thing: times and durations.</summary>
    static List<string> Timeless(AgentTrace trace) => trace.Events.Select(e =>
    {
        e.Remove("time");
        e.Remove("ms");
        return e.ToJsonString();
    }).ToList();

    [Theory]
    [InlineData(8)]
    [InlineData(1)]                                                                          // multi-step tasks hit the iteration limit
    public async Task A_streamed_run_answers_as_the_whole_run_and_traces_the_same_events(int maxIterations)
    {
        var tasks = AgentTaskSet.Create(_ws.Database, withRetrieval: false);
        var options = new AgentOptions(MaxIterations: maxIterations, ParallelCalls: false); // one call at a time: a fixed event order
        int streamedWords = 0;
        foreach (var task in tasks)
        {
            var whole = new AgentTrace();
            var model = new WordByWord(new ScriptedPolicy(tasks.Select(t => t.Script)));
            var expected = await new AgentRunner(model, _tools, options).RunAsync(task.Request, whole);
            var streamed = new AgentTrace();
            AgentRun? run = null;
            var updates = new List<ChatResponseUpdate>();
            model.TextUpdates = 0;
            await foreach (var u in new AgentRunner(model, _tools, options).RunStreamingAsync(task.Request, streamed, r => run = r))
                updates.Add(u);
            Assert.NotNull(run);
            Assert.Equal(expected.Stop, run.Stop);
            Assert.Equal(expected.Answer, run.Answer);
            Assert.Equal(expected.Calls.Select(c => (c.Name, c.Arguments.GetRawText(), c.Result, c.Status)),
                run.Calls.Select(c => (c.Name, c.Arguments.GetRawText(), c.Result, c.Status)));
            Assert.Equal(Timeless(whole), Timeless(streamed));
            // The tools ran between the model's turns: each result is streamed after its call, before the answer's text.
            var results = updates.SelectMany(u => u.Contents).OfType<FunctionResultContent>().Count();
            Assert.Equal(run.Calls.Count, results);
            if (run.Stop == AgentStopReason.Answered)
            {
                Assert.Equal(run.Answer, string.Concat(updates.Where(u => u.Role == ChatRole.Assistant).Select(u => u.Text)).Trim());
                streamedWords += model.TextUpdates;
            }
        }
        Assert.True(streamedWords > 2 * tasks.Count, $"{streamedWords} text updates: the answers were not streamed piece by piece");
    }

    [Fact]
    public void Agent_run_stream_prints_the_call_the_result_and_the_answer_with_the_whole_runs_trace()
    {
        const string request = "What is (17 * 23 + 4) / 5?";
        string streamedTrace = Path.Combine(_root, "s.jsonl"), wholeTrace = Path.Combine(_root, "w.jsonl");
        var (code, stdout, err) = CliRun.Run("agent", "run", request, "--scripted", "--stream", "--trace", streamedTrace);
        Assert.True(code == 0, err);
        var lines = stdout.Split('\n');
        int call = Array.FindIndex(lines, l => l.StartsWith("→ calculator(", StringComparison.Ordinal));
        Assert.True(call >= 0, stdout);
        Assert.Equal("  = 79", lines[call + 1]);
        Assert.Contains("79", string.Join("\n", lines.Skip(call + 2)));
        (code, _, err) = CliRun.Run("agent", "run", request, "--scripted", "--trace", wholeTrace);
        Assert.True(code == 0, err);
        static List<string> Read(string path) => File.ReadAllLines(path).Select(l =>
        {
            var e = JsonNode.Parse(l)!.AsObject();
            e.Remove("time");
            e.Remove("ms");
            return e.ToJsonString();
        }).ToList();
        Assert.Equal(Read(wholeTrace), Read(streamedTrace));
    }
}
