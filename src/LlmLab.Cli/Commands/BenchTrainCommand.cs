using System.Globalization;
using System.Text.Json;
using LlmLab.Cli.Bench;
using LlmLab.Data;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Training;
using static TorchSharp.torch;

namespace LlmLab.Cli.Commands;

/// <summary>
/// <c>llmlab bench train</c>: training-step time, tokens/s and MFU of the trainer on a ~10M and a ~30M-parameter GPT, at
/// each thread count, beside the same model and step in PyTorch (<c>bench/pytorch/gpt_train.py</c>). A step is forward,
/// loss, backward, clip 1.0, AdamW (β 0.9/0.95, decay 0.1 on matrices) on a (B, T) batch of random ids (speed does not
/// depend on the data). MFU divides the model's FLOPs per token × tokens/s by this CPU's measured matmul rate at the same
/// thread count. Min and median over the steps after a warm-up. A benchmark, not a test: run it on a quiet machine.
/// </summary>
public sealed class BenchTrainCommand : CliCommand
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>~10M: 4 × 384 (7.1M in blocks + 3.1M embedding at V = 8,192); ~30M: 6 × 576 (23.9M + 4.7M); tiny: 1 × 32 at V = 64,
    /// a seconds-long run of the command itself (its figures mean nothing).</summary>
    static readonly Dictionary<string, GptConfig> Presets = new()
    {
        ["tiny"] = new GptConfig { Layers = 1, Width = 32, Heads = 2, VocabSize = 64, Context = 16 },
        ["10m"] = new GptConfig { Layers = 4, Width = 384, Heads = 6, VocabSize = 8192, Context = 256 },
        ["30m"] = new GptConfig { Layers = 6, Width = 576, Heads = 8, VocabSize = 8192, Context = 256 },
    };

    public override string Name => "bench train";
    public override string Summary => "trainer step time, tokens/s and MFU of ~10M and ~30M GPTs at 1 and 2 threads, beside PyTorch";
    public override string Usage => "[--models 10m,30m] [--threads 1,2] [--batch 8] [--steps 12] [--warmup 2] [--seed 1] [--no-peer] " +
        "[--python /usr/bin/python3] [--script bench/pytorch/gpt_train.py] [--json FILE]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "models", "threads", "batch", "steps", "warmup", "seed", "python", "script", "json" };
    public override IReadOnlySet<string> Flags => new HashSet<string> { "no-peer" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "no argument");
        if (args.Get("json") is { } jsonOut) OutputPaths.File(jsonOut, "--json"); // before minutes of benchmarking
        var models = List(args.Get("models") ?? "10m,30m", "models").Select(m => Presets.TryGetValue(m, out var c) ? (Name: m, Config: c)
            : throw new InputException($"--models: unknown model '{m}'; choose from {string.Join(", ", Presets.Keys)}")).ToArray();
        var threads = List(args.Get("threads") ?? "1,2", "threads").Select(t => int.TryParse(t, NumberStyles.Integer, C, out int v) && v >= 1 ? v
            : throw new InputException($"--threads: '{t}' is not a thread count >= 1")).ToArray();
        int batch = args.GetInt("batch", 8, 1, 4096), steps = args.GetInt("steps", 12, 2, 100_000), warmup = args.GetInt("warmup", 2, 0), seed = args.GetInt("seed", 1);
        if (warmup >= steps) throw new InputException($"--warmup ({warmup}) must be smaller than --steps ({steps})");
        bool peer = !args.Flag("no-peer");
        string python = args.Get("python") ?? PythonPeer.DefaultPython;
        string? script = peer ? args.Get("script") ?? PythonPeer.FindScript("gpt_train.py") : null;
        string? torchVersion = peer ? PythonPeer.Probe(python) : null;

        @out.WriteLine($"machine: {Environment.ProcessorCount} logical cores; {TorchRuntime.Version}{(peer ? $"; peer PyTorch {torchVersion}" : "")}");
        @out.WriteLine(string.Create(C, $"{steps} steps of {batch} × T random ids per run, the first {warmup} excluded; AdamW, clip 1.0, fp32"));
        @out.WriteLine();
        @out.WriteLine($"{"model",-5} {"params",11} {"thr",3} {"peak GF/s",9} {"LlmLab ms min/med",18} {"tok/s",8} {"MFU",6} {(peer ? $"{"PyTorch ms min/med",18} {"tok/s",8} {"MFU",6} {"ratio",6}" : "")}");
        var rows = new List<object>();
        foreach (var (name, config) in models)
            foreach (int t in threads)
            {
                TorchRuntime.EnsureLoaded(t);
                double peak = MatmulPeak.Measure(1024, 5);
                double flops = GptSizing.FlopsPerToken(config, config.Context);
                long tokens = (long)batch * config.Context;
                var ours = Ours(config, batch, steps, seed).Skip(warmup).ToArray();
                double[]? theirs = null;
                long parameters = GptSizing.ParameterCount(config);
                if (peer)
                {
                    string file = Path.Combine(Path.GetTempPath(), $"llmlab-bench-train-{Environment.ProcessId}.json");
                    try
                    {
                        PythonPeer.Run(python, script!, t, [
                            "--vocab", I(config.VocabSize), "--context", I(config.Context), "--width", I(config.Width), "--layers", I(config.Layers),
                            "--heads", I(config.Heads), "--batch", I(batch), "--steps", I(steps), "--threads", I(t), "--seed", I(seed), "--out", file]);
                        using var doc = JsonDocument.Parse(File.ReadAllText(file));
                        long peerParams = doc.RootElement.GetProperty("parameters").GetInt64();
                        if (peerParams != parameters) throw new InvalidOperationException($"the PyTorch model has {peerParams:N0} parameters, ours {parameters:N0}");
                        theirs = doc.RootElement.GetProperty("ms").EnumerateArray().Select(e => e.GetDouble()).Skip(warmup).ToArray();
                    }
                    finally { File.Delete(file); }
                }
                string Side(double[] ms) => string.Create(C, $"{ms.Min(),8:0} / {SampleStats.Median(ms),-8:0} {tokens / (SampleStats.Median(ms) / 1e3),8:N0} {100 * flops * tokens / (SampleStats.Median(ms) / 1e3) / peak,5:0.0}%");
                @out.WriteLine(string.Create(C, $"{name,-5} {parameters,11:N0} {t,3} {peak / 1e9,9:0.0} ") + Side(ours) +
                    (theirs is null ? "" : " " + Side(theirs) + string.Create(C, $" {SampleStats.Median(theirs) / SampleStats.Median(ours),5:0.00}x")));
                rows.Add(new { model = name, parameters, threads = t, peak_gflops = peak / 1e9, llmlab_ms = ours, pytorch_ms = theirs });
            }
        if (peer) @out.WriteLine("ratio = PyTorch median step time ÷ LlmLab's (above 1: LlmLab is faster)");
        if (args.Get("json") is { } json)
            AtomicFile.WriteAllText(json, JsonSerializer.Serialize(new { batch, steps, warmup, rows }, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    /// <summary>Step times (ms) of our trainer on random batches.</summary>
    static double[] Ours(GptConfig config, int batch, int steps, int seed)
    {
        Seeding.SeedTorch(seed);
        using var model = new GptModel(config);
        var options = new TrainerOptions(steps, batch, config.Context, 3e-4, GradClip: 1.0, WeightDecay: 0.1, EvalEvery: int.MaxValue, LogEvery: int.MaxValue, Beta2: 0.95);
        var result = new Trainer(model, LanguageModelLoss.For(model), options).Run(new RandomBatches(config.VocabSize, batch, config.Context));
        return result.Steps.Select(s => s.Milliseconds).ToArray();
    }

    sealed class RandomBatches(int vocab, int batch, int context) : IBatchProvider
    {
        public TrainingBatch Next() => (randint(vocab, [batch, context], dtype: ScalarType.Int64), randint(vocab, [batch, context], dtype: ScalarType.Int64));
    }

    static string[] List(string value, string name)
    {
        var items = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return items.Length > 0 ? items : throw new InputException($"--{name} is empty");
    }

    static string I(int v) => v.ToString(C);

}
