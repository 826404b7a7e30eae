using LlmLab.Retrieval.Chunking;
using LlmLab.Retrieval.Evaluation;
using LlmLab.Retrieval.Search;
using LlmLab.Retrieval.Storage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmLab.Tests.Retrieval;

/// <summary>The chat-model faithfulness judge with a scripted judge whose verdicts are known: strict parsing, each verdict
/// kind counted (an unreadable reply or a failed call is never support), the prompt holding only the cited chunks, and the
/// same judge through Microsoft.Extensions.AI.Evaluation's <see cref="IEvaluator"/>.</summary>
public sealed class FaithfulnessJudgeTests
{
    static RetrievedChunk C(int key, string text) =>
        new(new StoredChunk(key, new Chunk($"c{key}", $"s{key}", $"Title {key}", "", 0, text, 0), new float[384]), 0, 0);

    static readonly RetrievedChunk[] Chunks =
    [
        C(1, "apt-get install downloads a package and its dependencies from the archive."),
        C(2, "The stable release receives security updates."),
    ];

    /// <summary>A judge that answers by a script (which may throw), recording every call's messages and options.</summary>
    sealed class ScriptedJudge(Func<string, string> script) : IChatClient
    {
        public List<(List<ChatMessage> Messages, ChatOptions? Options)> Calls { get; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            CancellationToken cancellationToken = default)
        {
            var list = messages.ToList();
            Calls.Add((list, options));
            string claim = list[^1].Text[(list[^1].Text.LastIndexOf("Claim: ", StringComparison.Ordinal) + 7)..];
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, script(claim))));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
            ChatOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose() { }
    }

    // Each claim's fate is written in it: the judge says yes, says no, rambles, or its endpoint fails.
    static string Script(string claim) =>
        claim.StartsWith("yes", StringComparison.Ordinal) ? "{\"verdict\": \"supported\"}"
        : claim.StartsWith("no", StringComparison.Ordinal) ? "{\"verdict\": \"not_supported\"}"
        : claim.StartsWith("ramble", StringComparison.Ordinal) ? "Supported, I would say.\nThe passage mentions it."
        : throw new HttpRequestException("Response status code does not indicate success: 500 (Internal Server Error).\nRetry later.");

    const string Answer = "yes one [1]. no two [2]. ramble three [1]. fail four [2]. yes but cites nothing.";

    [Theory]
    [InlineData("{\"verdict\": \"supported\"}", JudgeVerdict.Supported)]
    [InlineData("  {\"verdict\":\"not_supported\"}\n", JudgeVerdict.NotSupported)]
    [InlineData("```json\n{\"verdict\": \"supported\"}\n```", JudgeVerdict.Supported)]
    [InlineData("Supported", JudgeVerdict.Supported)]
    [InlineData("supported.", JudgeVerdict.Supported)]
    [InlineData("unsupported", JudgeVerdict.NotSupported)]
    [InlineData("NOT_SUPPORTED", JudgeVerdict.NotSupported)]
    [InlineData("", JudgeVerdict.Unparseable)]
    [InlineData("Supported, mostly.", JudgeVerdict.Unparseable)]
    [InlineData("The claim is supported.", JudgeVerdict.Unparseable)]
    [InlineData("yes", JudgeVerdict.Unparseable)]
    [InlineData("not supported", JudgeVerdict.Unparseable)]
    [InlineData("{\"verdict\": \"supported\", \"reason\": \"x\"}", JudgeVerdict.Unparseable)]
    [InlineData("{\"verdict\": true}", JudgeVerdict.Unparseable)]
    [InlineData("{\"verdict\": \"supported.\"}", JudgeVerdict.Unparseable)]
    [InlineData("{\"Verdict\": \"supported\"}", JudgeVerdict.Unparseable)]
    [InlineData("{\"verdict\": \"supported\"", JudgeVerdict.Unparseable)]
    [InlineData("[\"supported\"]", JudgeVerdict.Unparseable)]
    [InlineData("{\"verdict\": \"supported\"} {\"verdict\": \"not_supported\"}", JudgeVerdict.Unparseable)]
    [InlineData("```\nsupported", JudgeVerdict.Unparseable)]
    public void ParseAcceptsOnlyTheAskedForForms(string reply, JudgeVerdict expected) =>
        Assert.Equal(expected, ChatFaithfulnessJudge.Parse(reply));

    [Fact]
    public async Task EveryVerdictKindIsCountedAndOnlyAYesIsSupport()
    {
        var judge = new ScriptedJudge(Script);
        var f = await new ChatFaithfulnessJudge(judge).CheckAsync(Answer, Chunks);

        Assert.Equal([JudgeVerdict.Supported, JudgeVerdict.NotSupported, JudgeVerdict.Unparseable, JudgeVerdict.Failed,
            JudgeVerdict.Uncited], f.Sentences.Select(s => s.Verdict!.Value));
        Assert.Equal([true, false, false, false, false], f.Sentences.Select(s => s.Supported));
        Assert.Equal(0.2, f.Score, 1e-12);
        Assert.Equal(1, f.Count(JudgeVerdict.Unparseable));
        Assert.Equal(1, f.Count(JudgeVerdict.Failed));
        // Notes are one line: the unreadable reply, the failure's type and message.
        Assert.Equal("Supported, I would say. The passage mentions it.", f.Sentences[2].JudgeNote);
        Assert.Equal("HttpRequestException: Response status code does not indicate success: 500 (Internal Server Error). Retry later.",
            f.Sentences[3].JudgeNote);
        Assert.Null(f.Sentences[0].JudgeNote);

        // Four calls (the uncited sentence is not asked), each at temperature 0, each showing only the chunks it cites.
        Assert.Equal(4, judge.Calls.Count);
        Assert.All(judge.Calls, c => Assert.Equal(0f, c.Options!.Temperature));
        Assert.All(judge.Calls, c => Assert.Equal(ChatFaithfulnessJudge.Instruction, c.Messages[0].Text));
        string second = judge.Calls[1].Messages[1].Text;
        Assert.StartsWith("[2] (Title 2)\nThe stable release receives security updates.", second);
        Assert.DoesNotContain("apt-get", second);
        Assert.EndsWith("Claim: no two", second);

        var tally = JudgeTally.Of([f, await new ChatFaithfulnessJudge(judge).CheckAsync("yes again [2].", Chunks)]);
        Assert.Equal((2, 6, 2, 1, 1, 1, 1), (tally.Answers, tally.Sentences, tally.Supported, tally.NotSupported, tally.Uncited,
            tally.Unparseable, tally.Failed));
        Assert.Equal((0.2 + 1.0) / 2, tally.Faithfulness, 1e-12);
        Assert.Contains("first error: HttpRequestException", tally.Summary());
        Assert.DoesNotContain('\n', tally.Summary());
    }

    [Fact]
    public async Task ADeadJudgeStopsBeingCalledAndEverySentenceCountsAsFailed()
    {
        var judge = new ScriptedJudge(_ => throw new HttpRequestException("Connection refused (127.0.0.1:9)"));
        var checker = new ChatFaithfulnessJudge(judge) { MaxConsecutiveFailures = 3 };
        var f = await checker.CheckAsync("fail a [1]. fail b [2]. fail c [1]. fail d [2]. fail e [1].", Chunks);
        Assert.Equal(3, judge.Calls.Count);
        Assert.All(f.Sentences, s => Assert.Equal(JudgeVerdict.Failed, s.Verdict));
        Assert.Equal("not sent: the judge failed 3 calls in a row (last: HttpRequestException: Connection refused (127.0.0.1:9))",
            f.Sentences[4].JudgeNote);
        // A success in between resets the count.
        int n = 0;
        var flaky = new ScriptedJudge(_ => ++n % 3 == 0 ? "supported" : throw new HttpRequestException("flaky"));
        var g = await new ChatFaithfulnessJudge(flaky) { MaxConsecutiveFailures = 3 }
            .CheckAsync("a [1]. b [1]. c [1]. d [1]. e [1]. f [1].", Chunks);
        Assert.Equal(6, flaky.Calls.Count);
        Assert.Equal(2, g.Count(JudgeVerdict.Supported));
    }

    [Fact]
    public async Task ARefusalHasNothingToJudge()
    {
        var judge = new ScriptedJudge(Script);
        var f = await new ChatFaithfulnessJudge(judge).CheckAsync(LlmLab.Retrieval.Answering.GroundedPrompt.Refusal, Chunks);
        Assert.Empty(f.Sentences);
        Assert.Empty(judge.Calls);
        Assert.True(double.IsNaN(JudgeTally.Of([f]).Faithfulness));
    }

    [Fact]
    public async Task WorksAsAnIEvaluator()
    {
        IEvaluator evaluator = new FaithfulnessEvaluator();
        var judge = new ScriptedJudge(Script);
        var result = await evaluator.EvaluateAsync([new ChatMessage(ChatRole.User, "a question")],
            new ChatResponse(new ChatMessage(ChatRole.Assistant, Answer)), new ChatConfiguration(judge),
            [new RetrievedChunksContext(Chunks)]);
        Assert.Equal(evaluator.EvaluationMetricNames.Order(), result.Metrics.Keys.Order());
        var score = result.Get<NumericMetric>(FaithfulnessEvaluator.FaithfulnessMetricName);
        Assert.Equal(0.2, score.Value!.Value, 1e-12);
        Assert.Equal("1 of 5 sentences judged supported by the chunks they cite", score.Reason);
        Assert.Equal(EvaluationRating.Inconclusive, score.Interpretation!.Rating);
        var failed = result.Get<NumericMetric>(FaithfulnessEvaluator.FailedMetricName);
        Assert.Equal(1, failed.Value);
        Assert.Contains("sentence 4: HttpRequestException", Assert.Single(failed.Diagnostics!).Message);
        Assert.Equal(1, result.Get<NumericMetric>(FaithfulnessEvaluator.UnparseableMetricName).Value);

        // No judge or no chunks: no score, and an error diagnostic that says what is missing.
        var bare = await evaluator.EvaluateAsync([], new ChatResponse(new ChatMessage(ChatRole.Assistant, Answer)),
            additionalContext: [new RetrievedChunksContext(Chunks)]);
        var missing = bare.Get<NumericMetric>(FaithfulnessEvaluator.FaithfulnessMetricName);
        Assert.Null(missing.Value);
        Assert.Contains("ChatConfiguration", Assert.Single(missing.Diagnostics!).Message);
        var noChunks = await evaluator.EvaluateAsync([], new ChatResponse(new ChatMessage(ChatRole.Assistant, Answer)),
            new ChatConfiguration(judge));
        Assert.Contains("RetrievedChunksContext", Assert.Single(noChunks.Get<NumericMetric>(FaithfulnessEvaluator.FaithfulnessMetricName)
            .Diagnostics!).Message);
    }

    [Fact]
    public async Task ALocalCheckpointJudgesThroughTheSamePath()
    {
        using var dir = new LlmLab.Tests.Text.TempDir();
        using (var model = LlmLab.Tests.Alignment.AlignmentFixtures.Policy())
        {
            LlmLab.Alignment.ChatCheckpoint.Write(dir.Path, 1, model, LlmLab.Tests.Alignment.AlignmentFixtures.Tokenizer, "sft",
                new System.Text.Json.Nodes.JsonObject { ["chat_template"] = LlmLab.Inference.ChatTemplate.Chat.Name });
        }
        const string answer = "apt-get install downloads a package and its dependencies from the archive. [1]";
        using var judge = JudgeModel.Open(dir.Path);
        var f = await new ChatFaithfulnessJudge(judge).CheckAsync(answer, Chunks);

        // Reference: the same checkpoint opened by hand, asked the same prompt greedily; its reply parsed, or its failure.
        using var local = LlmLab.Alignment.LocalChatModel.Open(dir.Path, new LlmLab.Inference.SamplingParams(Temperature: 0, MaxTokens: 64),
            LlmLab.Inference.PromptOverflow.Error);
        JudgeVerdict expected;
        try
        {
            var reply = await local.Client.GetResponseAsync(ChatFaithfulnessJudge.Prompt(f.Sentences[0].Sentence, [1], Chunks),
                new ChatOptions { Temperature = 0, MaxOutputTokens = 64 });
            expected = ChatFaithfulnessJudge.Parse(reply.Text);
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            expected = JudgeVerdict.Failed;
        }
        var s = Assert.Single(f.Sentences);
        Assert.Equal(expected, s.Verdict);
        // An untrained 1-layer model is no judge: whatever it said, it is not counted as support unless it said exactly that.
        Assert.Equal(expected == JudgeVerdict.Supported, s.Supported);
        if (expected is JudgeVerdict.Failed or JudgeVerdict.Unparseable) Assert.False(string.IsNullOrEmpty(s.JudgeNote));
    }

    [Fact]
    public void JudgeModelSettingsAreCheckedInOneLine()
    {
        var e = Assert.Throws<LlmLab.InputException>(() => JudgeModel.Open(""));
        Assert.Contains("--judge-model", e.Message);
        e = Assert.Throws<LlmLab.InputException>(() => JudgeModel.Open("m", "ftp://x"));
        Assert.Contains("--judge-base-url 'ftp://x' is not an http(s) URL", e.Message);
        string? url = Environment.GetEnvironmentVariable("OPENAI_BASE_URL"), key = Environment.GetEnvironmentVariable("OPENAI_API_KEY");
        try
        {
            Environment.SetEnvironmentVariable("OPENAI_BASE_URL", null);
            Environment.SetEnvironmentVariable("OPENAI_API_KEY", null);
            e = Assert.Throws<LlmLab.InputException>(() => JudgeModel.Open("/no/such/judge", what: "8.1: judge"));
            Assert.StartsWith("8.1: judge /no/such/judge: no such checkpoint folder", e.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("OPENAI_BASE_URL", url);
            Environment.SetEnvironmentVariable("OPENAI_API_KEY", key);
        }
    }
}
