using System.Globalization;
using System.Text;
using System.Text.Json;
using LlmLab.Cli.Bench;
using LlmLab.Nn.Recurrent;
using LlmLab.Runtime;
using LlmLab.Text;
using LlmLab.Tokenization;
using LlmLab.Training;

namespace LlmLab.Cli.Commands;

/// <summary>
/// <c>llmlab bench lstm</c>: the character-level LSTM language model of lab 3.1 trained side by side in LlmLab
/// (TorchSharp) and in PyTorch (<c>bench/pytorch/char_lstm.py</c>, run with the given Python) on the same text, with
/// the same model size, hyper-parameters, step budget, thread count and validation windows. Prints both validation
/// curves and the step times (min and median, warm-up excluded) and their ratio. A benchmark, not a test: run it on a
/// quiet machine.
/// </summary>
public sealed class BenchLstmCommand : CliCommand
{
    public override string Name => "bench lstm";
    public override string Summary => "train the same char-LSTM in LlmLab and in PyTorch on the same text: validation curves, step times, ratio";
    public override string Usage => "[--corpus PATH] [--bytes 1000000] [--val-bytes 40000] [--embed 32] [--hidden 128] [--layers 1] [--batch 32] " +
        "[--context 64] [--steps 300] [--lr 0.004] [--clip 1] [--eval-every 25] [--eval-batches 4] [--warmup 5] [--threads N] [--seed 1337] " +
        "[--python /usr/bin/python3] [--script bench/pytorch/char_lstm.py] [--json FILE]";
    public override IReadOnlySet<string> Options => new HashSet<string>
    {
        "corpus", "bytes", "val-bytes", "embed", "hidden", "layers", "batch", "context", "steps", "lr", "clip", "eval-every", "eval-batches",
        "warmup", "threads", "seed", "python", "script", "json",
    };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "no argument");
        long bytes = args.GetLong("bytes", 1_000_000), valBytes = args.GetLong("val-bytes", 40_000);
        if (bytes < 4096) throw new InputException($"--bytes must be >= 4096 (got {bytes})");
        if (valBytes < 1024) throw new InputException($"--val-bytes must be >= 1024 (got {valBytes})");
        int embed = args.GetInt("embed", 32, 1), hidden = args.GetInt("hidden", 128, 1), layers = args.GetInt("layers", 1, 1, 16);
        int batch = args.GetInt("batch", 32, 1), context = args.GetInt("context", 64, 1), steps = args.GetInt("steps", 300, 1);
        double lr = args.GetDouble("lr", 4e-3, 1e-9), clip = args.GetDouble("clip", 1.0, 0);
        int evalEvery = args.GetInt("eval-every", 25, 1), evalBatches = args.GetInt("eval-batches", 4, 1), warmup = args.GetInt("warmup", 5, 0);
        int threads = args.GetInt("threads", TorchRuntime.DefaultThreads, 1, 1024);
        long seed = args.GetLong("seed", 1337);
        if (warmup >= steps) throw new InputException($"--warmup ({warmup}) must be smaller than --steps ({steps}): the timings exclude the warm-up steps");
        string python = args.Get("python") ?? PythonPeer.DefaultPython;
        string script = args.Get("script") ?? PythonPeer.FindScript("char_lstm.py");
        if (!File.Exists(script)) throw new InputException($"--script '{script}' does not exist; give the path of bench/pytorch/char_lstm.py");

        // 1. The peer must be there before we spend minutes training.
        string torchVersion = PythonPeer.Probe(python);
        TorchRuntime.EnsureLoaded(threads);
        var corpus = Corpora.Open(args.Get("corpus"));
        string train = CorpusText.Load(corpus, bytes), val = CorpusText.Load(corpus, valBytes, validation: true);
        string dir = Directory.CreateTempSubdirectory("llmlab-bench-lstm-").FullName;
        try
        {
            string trainFile = Path.Combine(dir, "train.txt"), valFile = Path.Combine(dir, "val.txt"), resultFile = Path.Combine(dir, "pytorch.json");
            File.WriteAllText(trainFile, train, new UTF8Encoding(false));
            File.WriteAllText(valFile, val, new UTF8Encoding(false));

            // 2. LlmLab.
            var tokenizer = CharTokenizer.Build([train], UnknownCharPolicy.Unk);
            int[] trainIds = tokenizer.Encode(train), valIds = tokenizer.Encode(val);
            var config = new RecurrentLmConfig(RecurrentKind.Lstm, tokenizer.VocabSize, embed, hidden, layers);
            var options = new TrainerOptions(steps, batch, context, lr, clip, EvalEvery: evalEvery, EvalBatches: evalBatches);
            @out.WriteLine(Inv($"text: {corpus.Name}, {trainIds.Length:N0} training / {valIds.Length:N0} validation characters, V = {tokenizer.VocabSize}; ") +
                Inv($"LSTM embed {embed}, {layers} × {hidden}, {config.Parameters:N0} parameters"));
            @out.WriteLine(Inv($"{steps} steps × {batch} × {context} characters, AdamW lr {lr:0.0e+00} (betas {options.Beta1}, {options.Beta2}), clip {clip}, ") +
                Inv($"{threads} thread(s); step times exclude the first {warmup} steps"));
            @out.WriteLine("training in LlmLab (TorchSharp) …");
            TrainingResult ours;
            using (var outcome = RecurrentLmTraining.Train(config, trainIds, valIds, options, seed)) ours = outcome.Training;

            // 3. PyTorch.
            @out.WriteLine($"training in PyTorch {torchVersion} …");
            PythonPeer.Run(python, script, threads, [
                "--train", trainFile, "--val", valFile, "--out", resultFile, "--embed", I(embed), "--hidden", I(hidden), "--layers", I(layers),
                "--batch", I(batch), "--context", I(context), "--steps", I(steps), "--lr", D(lr), "--beta1", D(options.Beta1), "--beta2", D(options.Beta2),
                "--clip", D(clip), "--eval-every", I(evalEvery), "--eval-batches", I(evalBatches), "--threads", I(threads), "--seed", seed.ToString(CultureInfo.InvariantCulture)]);
            var peer = PeerResult.Read(resultFile);
            if (peer.Parameters != config.Parameters || peer.Vocab != tokenizer.VocabSize)
                throw new InvalidOperationException($"the PyTorch model differs: {peer.Parameters:N0} parameters and V = {peer.Vocab} vs ours {config.Parameters:N0} and V = {tokenizer.VocabSize}");

            // 4. Side by side.
            var oursMs = ours.Steps.Skip(warmup).Select(s => s.Milliseconds).ToArray();
            var peerMs = peer.StepMs.Skip(warmup).ToArray();
            @out.WriteLine();
            @out.WriteLine($"{"implementation",-28} {"parameters",11} {"min ms",9} {"median ms",10} {"tok/s (median)",15} {"final val loss",15}");
            Row(@out, $"LlmLab / TorchSharp", config.Parameters, oursMs, batch * context, ours.Final!.Loss);
            Row(@out, $"PyTorch {peer.Version}", peer.Parameters, peerMs, batch * context, peer.Evals[^1].Loss);
            double ratio = SampleStats.Median(oursMs) / SampleStats.Median(peerMs), ratioMin = oursMs.Min() / peerMs.Min();
            @out.WriteLine(Inv($"ratio LlmLab / PyTorch step time: median {ratio:0.00}x, min {ratioMin:0.00}x (below 1: LlmLab is faster)"));
            @out.WriteLine();
            @out.WriteLine("validation loss (nats per character) on the same fixed windows");
            @out.WriteLine($"{"step",6} {"LlmLab",10} {"PyTorch",10}");
            var peerEvals = peer.Evals.ToDictionary(e => e.Step, e => e.Loss);
            foreach (var e in ours.Evals)
                @out.WriteLine(Inv($"{e.Step,6} {e.Loss,10:0.0000} {(peerEvals.TryGetValue(e.Step, out double p) ? p.ToString("0.0000", CultureInfo.InvariantCulture) : "—"),10}"));
            if (args.Get("json") is { } json)
                AtomicFile.WriteAllText(json, JsonSerializer.Serialize(new
                {
                    threads, steps, batch, context, embed, hidden, layers, lr, clip, warmup, parameters = config.Parameters, vocab = tokenizer.VocabSize,
                    llmlab = new { version = TorchRuntime.Version, min_ms = oursMs.Min(), median_ms = SampleStats.Median(oursMs), evals = ours.Evals.Select(e => new { e.Step, e.Loss }) },
                    pytorch = new { version = peer.Version, min_ms = peerMs.Min(), median_ms = SampleStats.Median(peerMs), evals = peer.Evals.Select(e => new { e.Step, e.Loss }) },
                    ratio_median = ratio, ratio_min = ratioMin,
                }, new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    static void Row(TextWriter @out, string name, long parameters, double[] ms, int tokensPerStep, double finalLoss) =>
        @out.WriteLine(Inv($"{name,-28} {parameters,11:N0} {ms.Min(),9:0.00} {SampleStats.Median(ms),10:0.00} {tokensPerStep / (SampleStats.Median(ms) / 1e3),15:N0} {finalLoss,15:0.0000}"));


    static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
    static string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>What char_lstm.py writes.</summary>
    sealed record PeerResult(string Version, long Parameters, int Vocab, double[] StepMs, IReadOnlyList<(int Step, double Loss)> Evals)
    {
        public static PeerResult Read(string path)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var r = doc.RootElement;
            return new PeerResult(r.GetProperty("version").GetString() ?? "?", r.GetProperty("parameters").GetInt64(), r.GetProperty("vocab").GetInt32(),
                r.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("ms").GetDouble()).ToArray(),
                r.GetProperty("evals").EnumerateArray().Select(e => (e.GetProperty("step").GetInt32(), e.GetProperty("loss").GetDouble())).ToList());
        }
    }
}
