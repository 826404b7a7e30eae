using System.Globalization;
using System.Text.Json;
using LlmLab.Cli.Bench;
using LlmLab.Inference;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Tokenization;

namespace LlmLab.Cli.Commands;

/// <summary>
/// <c>llmlab bench generate</c>: tokens per second of the generation engine (greedy, KV cache) at batch 1 and 8 on a
/// GPT of a given shape with random weights, beside the same model and decode loop in PyTorch
/// (<c>bench/pytorch/gpt_generate.py</c>), same threads. Each figure is B × new tokens / the time of the whole call
/// (prefill included); min and median over repeats, after a warm-up. A benchmark, not a test: run it on a quiet machine.
/// </summary>
public sealed class BenchGenerateCommand : CliCommand
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public override string Name => "bench generate";
    public override string Summary => "generation engine tokens/s at batch 1 and 8 beside PyTorch's decode loop on the same GPT shape";
    public override string Usage => "[--layers 6] [--width 384] [--heads 6] [--vocab 4096] [--context 512] [--prompt 64] [--tokens 128] " +
        "[--batches 1,8] [--repeats 3] [--threads N] [--seed 1] [--no-peer] [--python /usr/bin/python3] [--script bench/pytorch/gpt_generate.py] [--json FILE]";
    public override IReadOnlySet<string> Options => new HashSet<string>
    {
        "layers", "width", "heads", "vocab", "context", "prompt", "tokens", "batches", "repeats", "threads", "seed", "python", "script", "json",
    };
    public override IReadOnlySet<string> Flags => new HashSet<string> { "no-peer" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "no argument");
        if (args.Get("json") is { } jsonOut) OutputPaths.File(jsonOut, "--json"); // before minutes of benchmarking
        var config = new GptConfig
        {
            Layers = args.GetInt("layers", 6, 1, 96), Width = args.GetInt("width", 384, 8, 16384), Heads = args.GetInt("heads", 6, 1, 256),
            VocabSize = args.GetInt("vocab", 4096, 2, 1 << 20), Context = args.GetInt("context", 512, 2, 1 << 16),
        };
        int prompt = args.GetInt("prompt", 64, 1), tokens = args.GetInt("tokens", 128, 1), repeats = args.GetInt("repeats", 3, 1, 1000);
        int threads = args.GetInt("threads", TorchRuntime.DefaultThreads, 1, 1024), seed = args.GetInt("seed", 1);
        if (prompt + tokens > config.Context) throw new InputException($"--prompt + --tokens ({prompt + tokens}) must fit in --context ({config.Context})");
        var batches = (args.Get("batches") ?? "1,8").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(b => int.TryParse(b, NumberStyles.Integer, C, out int v) && v >= 1 ? v : throw new InputException($"--batches: '{b}' is not a batch size >= 1")).ToArray();
        try { config.Validate(); }
        catch (InputException e) { throw new InputException($"model shape: {e.Message}"); }
        bool peer = !args.Flag("no-peer");
        string python = args.Get("python") ?? PythonPeer.DefaultPython;
        string? script = peer ? args.Get("script") ?? PythonPeer.FindScript("gpt_generate.py") : null;
        string? torchVersion = peer ? PythonPeer.Probe(python) : null;

        TorchRuntime.EnsureLoaded(threads);
        Seeding.SeedTorch(seed);
        using var model = new GptModel(config);
        var engine = new GenerationEngine(model, new IdTokenizer(config.VocabSize));
        @out.WriteLine($"machine: {Environment.ProcessorCount} logical cores, {threads} thread(s); {TorchRuntime.Version}");
        @out.WriteLine(string.Create(C, $"model: {config.Layers} layers × {config.Width} wide, {config.Heads} heads, V = {config.VocabSize:N0}, {model.ParameterCount:N0} parameters (random weights); ") +
                       string.Create(C, $"prompt {prompt} tokens, {tokens} new tokens greedy; {repeats} repeats after a warm-up"));
        var rng = new Random(seed);
        var ours = new Dictionary<int, double[]>();
        foreach (int b in batches)
        {
            var prompts = Enumerable.Range(0, b).Select(_ => (IReadOnlyList<int>)Enumerable.Range(0, prompt).Select(_ => rng.Next(config.VocabSize)).ToArray()).ToArray();
            void Once(int n)
            {
                if (b == 1) engine.Generate(prompts[0], SamplingParams.Greedy(n));
                else engine.GenerateBatch(prompts.Select(p => (p, SamplingParams.Greedy(n))).ToArray());
            }
            Once(4);
            ours[b] = Enumerable.Range(0, repeats).Select(_ =>
            {
                var t = System.Diagnostics.Stopwatch.StartNew();
                Once(tokens);
                return t.Elapsed.TotalSeconds;
            }).ToArray();
        }

        Dictionary<int, double[]>? theirs = null;
        string? peerVersion = null;
        if (peer)
        {
            string file = Path.Combine(Path.GetTempPath(), $"llmlab-bench-generate-{Environment.ProcessId}.json");
            try
            {
                PythonPeer.Run(python, script!, threads, [
                    "--vocab", I(config.VocabSize), "--context", I(config.Context), "--width", I(config.Width), "--layers", I(config.Layers), "--heads", I(config.Heads),
                    "--prompt", I(prompt), "--tokens", I(tokens), "--repeats", I(repeats), "--threads", I(threads), "--seed", I(seed),
                    "--batches", string.Join(',', batches), "--out", file]);
                using var doc = JsonDocument.Parse(File.ReadAllText(file));
                peerVersion = doc.RootElement.GetProperty("version").GetString();
                long peerParams = doc.RootElement.GetProperty("parameters").GetInt64();
                if (peerParams != model.ParameterCount)
                    throw new InvalidOperationException($"the PyTorch model has {peerParams:N0} parameters, ours {model.ParameterCount:N0}: the shapes differ");
                theirs = doc.RootElement.GetProperty("results").EnumerateArray()
                    .ToDictionary(r => r.GetProperty("batch").GetInt32(), r => r.GetProperty("seconds").EnumerateArray().Select(s => s.GetDouble()).ToArray());
            }
            finally { File.Delete(file); }
        }

        @out.WriteLine();
        @out.WriteLine($"{"batch",5} {"LlmLab tok/s (best / median)",30} {(peer ? $"PyTorch {torchVersion} tok/s (best / median)" : ""),38} {(peer ? "ratio (median)" : "")}");
        foreach (int b in batches)
        {
            double n = (double)b * tokens;
            string row = string.Create(C, $"{b,5} {n / ours[b].Min(),14:N0} / {n / SampleStats.Median(ours[b]),-13:N0}");
            if (theirs is not null)
                row += string.Create(C, $" {n / theirs[b].Min(),20:N0} / {n / SampleStats.Median(theirs[b]),-15:N0} {SampleStats.Median(theirs[b]) / SampleStats.Median(ours[b]),8:0.00}x");
            @out.WriteLine(row);
        }
        if (peer) @out.WriteLine("ratio = LlmLab tokens/s ÷ PyTorch tokens/s (above 1: LlmLab is faster)");
        if (args.Get("json") is { } json)
            AtomicFile.WriteAllText(json, JsonSerializer.Serialize(new
            {
                threads, config.Layers, config.Width, config.Heads, vocab = config.VocabSize, prompt, tokens, parameters = model.ParameterCount,
                llmlab = batches.Select(b => new { batch = b, seconds = ours[b] }),
                pytorch = theirs is null ? null : new { version = peerVersion, results = batches.Select(b => new { batch = b, seconds = theirs[b] }) },
            }, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    static string I(int v) => v.ToString(C);


    /// <summary>Ids as their own text (the benchmark decodes random ids; their text does not matter).</summary>
    sealed class IdTokenizer(int vocab) : ITokenizer
    {
        public int VocabSize => vocab;
        public int[] Encode(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        public string Decode(ReadOnlySpan<int> ids) => string.Join(' ', ids.ToArray()) + " ";
    }
}
