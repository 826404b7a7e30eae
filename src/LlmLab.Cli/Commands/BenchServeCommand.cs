using System.Globalization;
using System.Text.Json;
using LlmLab.Reporting;
using LlmLab.Runtime;
using LlmLab.Server.Bench;

namespace LlmLab.Cli.Commands;

/// <summary>
/// <c>llmlab bench serve</c>: Lab 9.1's load generator against any server that speaks OpenAI streaming (ours, vLLM)
/// or TGI's <c>/generate_stream</c>: Poisson arrivals at a rate or a fixed number of concurrent clients; TTFT, TPOT, ITL
/// and e2e latency (mean, median, p90, p99), request and token throughput, goodput under SLOs; results as JSON and
/// plots. Needs a running server (<c>llmlab serve --demo</c> in another terminal).
/// </summary>
public sealed class BenchServeCommand : CliCommand
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public override string Name => "bench serve";
    public override string Summary => "serving benchmark (TTFT, TPOT, ITL, throughput, goodput) against an OpenAI or TGI server";
    public override string Usage => "--url URL [--api openai|tgi] [--model ID] [--dataset FILE|synthetic] (--rate R | --concurrency C) [--requests 200] " +
        "[--max-tokens 64] [--slo-ttft-ms MS] [--slo-tpot-ms MS] [--seed 0] [--out DIR]";
    public override IReadOnlySet<string> Options => new HashSet<string>
    {
        "url", "api", "model", "dataset", "rate", "concurrency", "requests", "max-tokens", "slo-ttft-ms", "slo-tpot-ms", "seed", "out",
    };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "no argument");
        string url = args.Get("url") ?? throw new UsageException("--url is required (e.g. http://127.0.0.1:8000)", this);
        if (args.Get("out") is { } outDir) OutputPaths.Directory(outDir, "--out"); // before the benchmark, not after it
        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var baseUri)) throw new InputException($"--url '{url}' is not an absolute URL");
        if ((args.Get("rate") is null) == (args.Get("concurrency") is null)) throw new UsageException("give exactly one of --rate R and --concurrency C", this);
        int requests = args.GetInt("requests", 200, min: 1, max: 1_000_000);
        int maxTokens = args.GetInt("max-tokens", 64, min: 1);
        int seed = args.GetInt("seed", 0);
        string dataset = args.Get("dataset") ?? "synthetic";
        var prompts = dataset == "synthetic" ? BenchDataset.Synthetic(requests, seed, maxTokens: maxTokens, minTokens: Math.Max(1, maxTokens / 8)) : BenchDataset.Load(dataset, requests, maxTokens);
        using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(10) };
        string? key = Environment.GetEnvironmentVariable("LLMLAB_API_KEY") ?? Environment.GetEnvironmentVariable("OPENAI_API_KEY");
        IServingClient client = args.Get("api") switch
        {
            null or "openai" => new OpenAiStreamingClient(http, args.Get("model") ?? "llmlab-demo-untrained", key),
            "tgi" => new TgiStreamingClient(http, key),
            var a => throw new UsageException($"--api must be openai or tgi (got '{a}')", this),
        };
        string load = args.Get("rate") is { } r ? $"rate {r} req/s (Poisson)" : $"concurrency {args.Get("concurrency")}";
        @out.WriteLine($"bench serve: {requests} requests to {baseUri} ({args.Get("api") ?? "openai"}), {load}, dataset {dataset}");
        var run = args.Get("rate") is { } rate
            ? ServingBenchmark.RunAtRateAsync(client, prompts, rate == "inf" ? double.PositiveInfinity : args.GetDouble("rate", 1, min: 1e-6), seed).GetAwaiter().GetResult()
            : ServingBenchmark.RunAtConcurrencyAsync(client, prompts, args.GetInt("concurrency", 1, min: 1, max: 10_000)).GetAwaiter().GetResult();
        double? slo(string name) => args.Get(name) is null ? null : args.GetDouble(name, 0, min: 0);
        var summary = BenchSummary.Of(run, slo("slo-ttft-ms"), slo("slo-tpot-ms"));
        Print(@out, summary);
        string dir = args.Get("out") ?? Path.Combine("runs", "bench-serve-" + DateTime.Now.ToString("yyyyMMdd-HHmmss", C));
        Directory.CreateDirectory(dir);
        AtomicFile.WriteAllText(Path.Combine(dir, "results.json"), JsonSerializer.Serialize(new { url, api = args.Get("api") ?? "openai", load, dataset, summary, outcomes = run.Outcomes },
            new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
        PlotFile.SavePng(BenchPlots.Latencies(run), Path.Combine(dir, "latencies.png"));
        PlotFile.SavePng(BenchPlots.Timeline(run), Path.Combine(dir, "timeline.png"));
        @out.WriteLine($"results: {Path.Combine(dir, "results.json")} (+ latencies.png, timeline.png)");
        return summary.Failed == 0 ? 0 : 1;
    }

    internal static void Print(TextWriter @out, BenchSummary s)
    {
        @out.WriteLine($"requests {s.Succeeded}/{s.Requests} ok in {s.Seconds:0.00} s: {s.RequestThroughput:0.00} req/s, {s.OutputTokenThroughput:0.0} output tok/s, goodput {s.Goodput:0.00} req/s");
        foreach (var (name, st) in new[] { ("TTFT", s.Ttft), ("TPOT", s.Tpot), ("ITL", s.Itl), ("E2E", s.E2e) })
            @out.WriteLine($"  {name,-5} ms  mean {st.Mean,9:0.00}  median {st.Median,9:0.00}  p90 {st.P90,9:0.00}  p99 {st.P99,9:0.00}");
        foreach (var e in s.Errors) @out.WriteLine($"  error: {e}");
    }
}
