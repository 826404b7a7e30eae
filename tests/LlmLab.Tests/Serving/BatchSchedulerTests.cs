using LlmLab.Inference;
using LlmLab.Inference.Serving;
using LlmLab.Tests.Nn;
using LlmLab.Tokenization;

namespace LlmLab.Tests.Serving;

public class BatchSchedulerTests
{
    static readonly CharTokenizer Chars = CharTokenizer.Build(["abcdefghijklmnopqrstuvwxyz .,!?0123456789:\n"]);

    static GenerationEngine Engine(string variant = "learned") => new(GptTestModels.BuildIdentical(GptTestModels.Variant(variant)), Chars);

    static readonly string[] Prompts = ["a", "hello world", "the quick brown", "xy", "zz top", "q"];

    static SamplingParams Sampled(int i) => new(Temperature: 0.9, TopP: 0.95, MaxTokens: 6 + i, Seed: 100 + i);

    [Theory]
    [InlineData("learned", BatchingMode.Continuous)]
    [InlineData("rope-gqa-swiglu-rmsnorm", BatchingMode.Continuous)]
    [InlineData("learned", BatchingMode.Static)]
    public async Task Each_request_through_the_scheduler_equals_the_engine_alone(string variant, BatchingMode mode)
    {
        var engine = Engine(variant);
        var greedyAlone = Prompts.Select((p, i) => engine.Generate(p, SamplingParams.Greedy(5 + 2 * i))).ToArray();
        var sampledAlone = Prompts.Select((p, i) => engine.Generate(p, Sampled(i))).ToArray();
        await using var scheduler = new BatchScheduler(engine, new SchedulerOptions(mode, MaxRunningSequences: 4));
        var greedy = Prompts.Select((p, i) => scheduler.GenerateAsync(Chars.Encode(p), SamplingParams.Greedy(5 + 2 * i))).ToArray();
        var sampled = Prompts.Select((p, i) => scheduler.GenerateAsync(Chars.Encode(p), Sampled(i))).ToArray();
        for (int i = 0; i < Prompts.Length; i++)
        {
            var g = await greedy[i];
            Assert.Equal(greedyAlone[i].Tokens, g.Tokens);
            Assert.Equal(greedyAlone[i].Text, g.Text);
            Assert.Equal(greedyAlone[i].Finish, g.Finish);
            Assert.Equal(sampledAlone[i].Tokens, (await sampled[i]).Tokens);
        }
        Assert.InRange(scheduler.Snapshot.MaxBatchSeen, 2, 4);
    }

    [Fact]
    public async Task A_request_joins_the_running_batch_mid_flight_and_both_match_their_solo_runs()
    {
        var engine = Engine();
        var longAlone = engine.Generate("hello", SamplingParams.Greedy(24));
        var shortAlone = engine.Generate("abc", SamplingParams.Greedy(4));
        await using var scheduler = new BatchScheduler(engine, new SchedulerOptions(MaxRunningSequences: 4));
        Task<GenerationResult>? late = null;
        int iteration = 0;
        scheduler.AfterIteration = () => { if (++iteration == 5) late = scheduler.GenerateAsync(Chars.Encode("abc"), SamplingParams.Greedy(4)); };
        var first = scheduler.Submit(Chars.Encode("hello"), SamplingParams.Greedy(24));
        var longResult = await first.CompleteAsync();
        Assert.NotNull(late);
        var shortResult = await late;
        Assert.Equal(longAlone.Tokens, longResult.Tokens);
        Assert.Equal(shortAlone.Tokens, shortResult.Tokens);
        Assert.Equal(2, scheduler.Snapshot.MaxBatchSeen);                 // it ran beside the long one, not after it
        Assert.True(shortResult.Elapsed < longResult.Elapsed);            // and left before it
    }

    [Fact]
    public async Task In_static_mode_a_late_request_waits_for_the_whole_batch()
    {
        var engine = Engine();
        await using var scheduler = new BatchScheduler(engine, new SchedulerOptions(BatchingMode.Static, MaxRunningSequences: 4));
        Task<GenerationResult>? late = null;
        int iteration = 0;
        scheduler.AfterIteration = () => { if (++iteration == 3) late = scheduler.GenerateAsync(Chars.Encode("abc"), SamplingParams.Greedy(2)); };
        var first = await scheduler.GenerateAsync(Chars.Encode("hello"), SamplingParams.Greedy(20));
        var second = await late!;
        Assert.Equal(20, first.Tokens.Count);
        Assert.Equal(2, second.Tokens.Count);
        Assert.Equal(1, scheduler.Snapshot.MaxBatchSeen);                 // never batched with the running one
    }

    [Fact]
    public async Task Cancelling_a_running_request_frees_its_slot_for_the_next()
    {
        var engine = Engine();
        await using var scheduler = new BatchScheduler(engine, new SchedulerOptions(MaxRunningSequences: 1));
        using var cts = new CancellationTokenSource();
        var a = scheduler.Submit(Chars.Encode("hello"), SamplingParams.Greedy(25), cts.Token);
        var b = scheduler.Submit(Chars.Encode("abc"), SamplingParams.Greedy(3));
        int chunks = 0;
        await foreach (var c in a.ReadAllAsync())
        {
            if (++chunks == 2) await cts.CancelAsync();
            if (c.Finish is not null) Assert.Equal(FinishReason.Cancelled, c.Finish);
        }
        Assert.Equal(FinishReason.Cancelled, a.Finish);
        Assert.True(a.OutputTokens < 25, $"the cancelled request went on to {a.OutputTokens} tokens");
        var rb = await b.CompleteAsync();
        Assert.Equal(engine.Generate("abc", SamplingParams.Greedy(3)).Tokens, rb.Tokens);
        await WaitFor(() => scheduler.Snapshot is { Running: 0, KvTokensUsed: 0, KvTokensReserved: 0 });
    }

    [Fact]
    public async Task A_request_cancelled_while_waiting_never_runs()
    {
        await using var scheduler = new BatchScheduler(Engine(), new SchedulerOptions(MaxRunningSequences: 1));
        using var cts = new CancellationTokenSource();
        var a = scheduler.Submit(Chars.Encode("hello"), SamplingParams.Greedy(20));
        var b = scheduler.Submit(Chars.Encode("abc"), SamplingParams.Greedy(20), cts.Token);
        await cts.CancelAsync();
        await a.CompleteAsync();
        var rb = await b.CompleteAsync();
        Assert.Equal(FinishReason.Cancelled, rb.Finish);
        Assert.Empty(rb.Tokens);
    }

    [Fact]
    public async Task The_running_sequence_and_kv_token_limits_are_respected()
    {
        var engine = Engine();
        await using (var bySeqs = new BatchScheduler(engine, new SchedulerOptions(MaxRunningSequences: 2)))
        {
            await Task.WhenAll(Prompts.Select(p => bySeqs.GenerateAsync(Chars.Encode(p), SamplingParams.Greedy(8))));
            Assert.Equal(2, bySeqs.Snapshot.MaxBatchSeen);
        }
        // Budget 20 tokens: "hello" + 8 = 13 reserved, so a second such request must wait for the first.
        await using var byTokens = new BatchScheduler(engine, new SchedulerOptions(MaxRunningSequences: 4, MaxKvTokens: 20));
        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => byTokens.GenerateAsync(Chars.Encode("hello"), SamplingParams.Greedy(8))));
        Assert.All(results, r => Assert.Equal(8, r.Tokens.Count));
        Assert.Equal(1, byTokens.Snapshot.MaxBatchSeen);
        var e = Assert.Throws<InputException>(() => byTokens.Submit(Chars.Encode("hello world"), SamplingParams.Greedy(15)));
        Assert.Contains("KV-cache tokens", e.Message);
        Assert.Contains("lower max_tokens", e.Message);
    }

    [Fact]
    public async Task Bad_input_and_a_full_queue_are_refused_at_submission()
    {
        await using var scheduler = new BatchScheduler(Engine(), new SchedulerOptions(MaxRunningSequences: 1, MaxWaiting: 1));
        Assert.Contains("prompt is empty", Assert.Throws<InputException>(() => scheduler.Submit([], SamplingParams.Greedy(3))).Message);
        Assert.Contains("top_p", Assert.Throws<InputException>(() => scheduler.Submit([1], new SamplingParams(TopP: 2))).Message);
        using var cts = new CancellationTokenSource();
        var held = new[] { scheduler.Submit([1, 2], SamplingParams.Greedy(25), cts.Token), scheduler.Submit([1, 2], SamplingParams.Greedy(25), cts.Token) };
        Assert.Throws<SchedulerOverloadedException>(() => scheduler.Submit([1, 2], SamplingParams.Greedy(25)));
        await cts.CancelAsync();
        foreach (var h in held) await h.CompleteAsync();
        Assert.Equal(FinishReason.Length, (await scheduler.GenerateAsync([1, 2], SamplingParams.Greedy(0))).Finish);
    }

    [Fact]
    public async Task Dispose_drains_the_queued_requests_then_refuses_new_ones()
    {
        var scheduler = new BatchScheduler(Engine(), new SchedulerOptions(MaxRunningSequences: 2));
        var pending = Prompts.Select(p => scheduler.GenerateAsync(Chars.Encode(p), SamplingParams.Greedy(5))).ToArray();
        await scheduler.DisposeAsync();
        Assert.All(await Task.WhenAll(pending), r => Assert.Equal(5, r.Tokens.Count));
        Assert.Throws<SchedulerOverloadedException>(() => scheduler.Submit([1], SamplingParams.Greedy(1)));
    }

    internal static async Task WaitFor(Func<bool> condition)
    {
        for (int i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition(), "condition not reached within 5 s");
    }
}
