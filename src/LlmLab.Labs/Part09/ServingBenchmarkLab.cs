using System.Globalization;
using LlmLab.Inference.Serving;
using LlmLab.Labs.Framework;
using LlmLab.Server;
using LlmLab.Server.Bench;

namespace LlmLab.Labs.Part09;

/// <summary>
/// Lab 9.1 — serving benchmark: static vs continuous batching. Serves an untrained demo GPT with our OpenAI-compatible
/// server in-process on loopback, once per batching mode, and drives it with the streaming benchmark client (closed
/// loop, 1 to 32 concurrent clients, output lengths spread over 8×): TTFT, TPOT, ITL, e2e latency, throughput and
/// goodput per run, and the throughput–latency curve of each mode. The course's goal (continuous ≥ 3× static throughput
/// at 16 clients, at equal or better p50 TTFT) is reported, not checked: timings on a shared machine are not
/// reproducible enough to fail a run on. The checks are the structural ones (nothing lost, exact token counts, batches
/// formed). The logic is in <c>LlmLab.Inference.Serving</c> and <c>LlmLab.Server.Bench</c>.
/// </summary>
public sealed class ServingBenchmarkLab : Lab<ServingBenchmarkConfig>
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;
    const int MaxWords = 12, MaxPromptChars = MaxWords * 8; // synthetic prompts: 2–12 words of at most 7 letters and a space

    protected override string Id => "9.1";

    public override ServingBenchmarkConfig Defaults(Profile profile) => ServingBenchmarkConfig.For(profile);

    protected override void Validate(ServingBenchmarkConfig cfg)
    {
        ConfigRules.NotEmpty("concurrencies", cfg.Concurrencies);
        foreach (int c in cfg.Concurrencies) ConfigRules.InRange("concurrencies", c, 1, 1024);
        ConfigRules.AtLeast("requests", cfg.Requests, 1);
        ConfigRules.AtLeast("min_tokens", cfg.MinTokens, 1);
        ConfigRules.AtLeast("max_tokens", cfg.MaxTokens, cfg.MinTokens);
        ConfigRules.InRange("max_seqs", cfg.MaxSeqs, 1, 4096);
        ConfigRules.AtLeast("layers", cfg.Layers, 1);
        ConfigRules.DivisibleBy("width", cfg.Width, "heads (4)", 4);
        ConfigRules.AtLeast("context", cfg.Context, cfg.MaxTokens + MaxPromptChars); // + the longest synthetic prompt (char tokens)
    }

    /// <summary>One benchmark run: a mode at a concurrency.</summary>
    public sealed record Point(BatchingMode Mode, int Concurrency, BenchSummary Summary, int AskedTokens, int GotTokens, int MaxBatch);

    public override void Run(LabContext ctx, ServingBenchmarkConfig cfg)
    {
        var engine = DemoModel.Create("char", cfg.Context, cfg.Layers, cfg.Width, ctx.Seed);
        var points = new List<Point>();
        try
        {
            foreach (var mode in new[] { BatchingMode.Static, BatchingMode.Continuous })
                points.AddRange(RunMode(ctx, cfg, engine, mode).GetAwaiter().GetResult());
        }
        finally { engine.Model.Dispose(); }
        Report(ctx, cfg, points);
    }

    static async Task<List<Point>> RunMode(LabContext ctx, ServingBenchmarkConfig cfg, Inference.GenerationEngine engine, BatchingMode mode)
    {
        var options = new ServerOptions
        {
            Url = "http://127.0.0.1:0", ModelId = DemoModel.ModelId, RequestsPerSecondPerKey = 0, MaxTokensLimit = cfg.MaxTokens,
            Scheduler = new SchedulerOptions(mode, cfg.MaxSeqs),
        };
        var points = new List<Point>();
        await using var server = LlmLabServer.Create(engine, options);
        await server.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
        var client = new OpenAiStreamingClient(http, DemoModel.ModelId);
        // warm-up (JIT, first allocations)
        await ServingBenchmark.RunAtConcurrencyAsync(client,
            BenchDataset.Synthetic(4, (int)ctx.Seed, minWords: 2, maxWords: MaxWords, minTokens: 2, maxTokens: 4), 2);
        using var progress = ctx.Progress.Begin($"9.1 {mode.ToString().ToLowerInvariant()} batching", cfg.Concurrencies.Count);
        foreach (int c in cfg.Concurrencies)
        {
            var prompts = BenchDataset.Synthetic(cfg.Requests, (int)ctx.Seed + c, minWords: 2, maxWords: MaxWords, minTokens: cfg.MinTokens,
                maxTokens: cfg.MaxTokens);
            var run = await ServingBenchmark.RunAtConcurrencyAsync(client, prompts, c);
            var s = BenchSummary.Of(run, cfg.TtftSloMs, cfg.TpotSloMs);
            var p = new Point(mode, c, s, prompts.Sum(x => x.MaxTokens), run.Outcomes.Where(o => o.Success).Sum(o => o.OutputTokens),
                server.Scheduler.Snapshot.MaxBatchSeen);
            points.Add(p);
            ctx.Metrics.Log(new { mode = mode.ToString().ToLowerInvariant(), concurrency = c, s.RequestThroughput, s.OutputTokenThroughput,
                s.Goodput,
                ttft_p50_ms = s.Ttft.Median, tpot_p50_ms = s.Tpot.Median, e2e_p50_ms = s.E2e.Median, failed = s.Failed });
            progress.Increment();
        }
        return points;
    }

    static void Report(LabContext ctx, ServingBenchmarkConfig cfg, List<Point> points)
    {
        ctx.Report.Heading("Static vs continuous batching");
        ctx.Report.Paragraph($"The server runs an untrained {cfg.Layers}-layer GPT (n_embd {cfg.Width}, char tokenizer) with up to " +
            $"{cfg.MaxSeqs} sequences per batch. Each run sends {cfg.Requests} streamed completion requests from N closed-loop clients; " +
            $"outputs are {cfg.MinTokens}–{cfg.MaxTokens} tokens, uniformly. " +
            "Static batching forms a batch from the waiting requests and runs it until its longest sequence ends (the others' slots " +
            "idle, new requests wait); continuous batching admits waiting requests at every decode step and releases a finished sequence " +
            $"at once. Goodput counts the requests per second that met TTFT ≤ {cfg.TtftSloMs.ToString(C)} ms and " +
            $"TPOT ≤ {cfg.TpotSloMs.ToString(C)} ms.");
        ctx.Report.Table(["mode", "clients", "req/s", "output tok/s", "goodput req/s", "TTFT p50 / p99 ms", "TPOT p50 ms", "ITL p50 ms",
            "e2e p50 / p99 ms", "failed"],
            points.Select(p => new[]
            {
                p.Mode.ToString().ToLowerInvariant(), p.Concurrency.ToString(C), F(p.Summary.RequestThroughput),
                    F(p.Summary.OutputTokenThroughput, "0.0"), F(p.Summary.Goodput),
                $"{F(p.Summary.Ttft.Median, "0.0")} / {F(p.Summary.Ttft.P99, "0.0")}", F(p.Summary.Tpot.Median), F(p.Summary.Itl.Median),
                $"{F(p.Summary.E2e.Median, "0.0")} / {F(p.Summary.E2e.P99, "0.0")}", p.Summary.Failed.ToString(C),
            }), "one row per run; latencies in ms (timings from a shared machine: compare the modes, not the absolute values)");
        ctx.Plot("throughput-latency", ServingBenchmarkPlots.ThroughputLatency(points),
            "Output throughput against median e2e latency, one point per client count");
        ctx.Plot("ttft", ServingBenchmarkPlots.TtftByConcurrency(points), "Median time to first token by client count");

        foreach (var p in points)
        {
            string run = $"{p.Mode.ToString().ToLowerInvariant()}, {p.Concurrency} clients";
            ctx.Checks.KnownAnswer("the requests the client sent").Equal($"every request answered ({run})", p.Summary.Failed, 0, "failed");
            ctx.Checks.KnownAnswer("the max_tokens each request asked for")
                .Equal($"every request got its max_tokens ({run})", p.GotTokens, p.AskedTokens, "tokens");
        }
        int top = cfg.Concurrencies.Max();
        if (top > 1 && points.FirstOrDefault(p => p.Mode == BatchingMode.Continuous && p.Concurrency == top) is { } cont)
            ctx.Checks.Published("Yu et al. 2022 (Orca): iteration-level scheduling batches concurrent requests")
                .AtLeast($"continuous batching decoded several sequences per step at {top} clients", cont.MaxBatch, 2, "largest batch");

        var at = cfg.Concurrencies.Contains(16) ? 16 : top;
        var st = points.First(p => p.Mode == BatchingMode.Static && p.Concurrency == at);
        var co = points.First(p => p.Mode == BatchingMode.Continuous && p.Concurrency == at);
        double ratio = co.Summary.OutputTokenThroughput / Math.Max(1e-9, st.Summary.OutputTokenThroughput);
        bool goal = ratio >= 3 && co.Summary.Ttft.Median <= st.Summary.Ttft.Median;
        ctx.Report.Heading("The course's goal (reported, not checked)");
        ctx.Report.Paragraph($"At {at} clients continuous batching gives {F(ratio)}× the static throughput " +
            $"({F(co.Summary.OutputTokenThroughput, "0.0")} vs {F(st.Summary.OutputTokenThroughput, "0.0")} output tok/s) at a p50 TTFT " +
            $"of {F(co.Summary.Ttft.Median, "0.0")} ms vs {F(st.Summary.Ttft.Median, "0.0")} ms: the goal (≥ 3× at equal or better p50 " +
            $"TTFT) is {(goal ? "met" : "not met")} on this run. On a CPU, a decode step's cost grows with the batch, " +
            "so the gain is smaller than on a GPU, where a step costs about the same for 1 or 32 sequences.");
        ctx.Report.Headline($"throughput continuous/static @{at}", F(ratio) + "×");
        ctx.Report.Headline($"p50 TTFT continuous / static @{at}",
            $"{F(co.Summary.Ttft.Median, "0.0")} / {F(st.Summary.Ttft.Median, "0.0")} ms");
    }

    static string F(double v, string fmt = "0.00") => double.IsNaN(v) ? "–" : v.ToString(fmt, C);
}
