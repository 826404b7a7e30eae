using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LLama.Native;
using LlmLab.Bench.LlamaCppPeer;
using LlmLab.Interop;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Text;
using LlmLab.Tokenization;
using LlmLab.Training;

// Ours vs llama.cpp on the same GGUF weights (issue 20): for each model and each GGUF type, the logits of both engines on
// the same token windows, perplexity, greedy agreement where the top-2 margin exceeds --tol, tokenizer ids, and tokens/s
// for prefill and decode at batch 1. Not a test: a benchmark whose table goes into BENCHMARKS.md. Our side loads each file as
// llama.cpp reads it (GgufImport asLlamaCpp: the tanh GELU for gpt2), so the two engines compute the same function; with
// --activations q8_0 our side also rounds activations to Q8_0 blocks before products with Q8_0/Q4_0 weights, and with
// gelu_fp16 it reads the GELU from ggml's fp16 table, as llama.cpp's CPU path does (GptModel.ActivationRounding).
var inv = CultureInfo.InvariantCulture;
var opts = Options.Parse(args);
if (opts is null)
{
    Console.WriteLine("usage: LlamaCppPeer [--models small,llama,large] [--checkpoint DIR] [--types f32,f16,q8_0,q4_0] " +
        "[--windows N] [--window T] [--activations none|q8_0,gelu_fp16]");
    Console.WriteLine("                    [--decode N] [--threads N] [--tol X] [--text FILE] [--work DIR] [--json FILE] " +
        "[--repeats N] [--keep]");
    return 0;
}
NativeLibraryConfig.All.WithLogCallback((level, message) => { if (level >= LLamaLogLevel.Error) Console.Error.Write(message); });
TorchRuntime.EnsureLoaded(opts.Threads);
Directory.CreateDirectory(opts.Work);
string text = opts.Text is { } t ? File.ReadAllText(t) : SdkText();
var results = new List<Dictionary<string, object>>();
Console.WriteLine("| model | params | type | MB | max abs Δlogit | ppl ours | ppl llama.cpp | Δppl | greedy equal (margin > tol) | " +
    "prefill tok/s ours / llama.cpp | decode tok/s ours / llama.cpp | decode ratio |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
foreach (string name in opts.Models)
{
    var (model, tokenizer) = Build(name, opts);
    using (model)
    {
        model.eval();
        int[] all = tokenizer.Encode(text);
        int window = Math.Min(opts.Window, model.Config.Context - opts.Decode - 1);
        var windows = Enumerable.Range(0, opts.Windows).Select(w => all.Skip(w * window).Take(window).ToArray()).Where(w => w.Length == window).ToList();
        if (windows.Count == 0) throw new InvalidOperationException($"the text has fewer than {window} tokens");
        foreach (string typeName in opts.Types)
        {
            var type = GgmlTypes.Parse(typeName, "--types");
            string path = Path.Combine(opts.Work, $"{name}-{typeName}.gguf");
            var summary = GgufExport.Write(path, model, tokenizer, type, name: name);
            var (ours, _) = GgufImport.Load(path, asLlamaCpp: true); // the weights llama.cpp reads, dequantized to fp32
            if (GgufExport.NoteFor(model.Config) is { } note) Console.Error.WriteLine($"  {name}: {note}");
            using (ours)
            using (var theirs = new LlamaCppSide(path, model.Config.Context, opts.Threads))
            {
                ours.eval();
                // llama.cpp rounds activations to Q8_0 only before products with quantized weights; its GELU table is always on.
                var rounding = opts.Activations;
                if (type is not (GgmlType.Q8_0 or GgmlType.Q4_0)) rounding &= ~ActivationRounding.Q8_0;
                ours.ActivationRounding = rounding;
                var row = Compare(name, model.ParameterCount, typeName, summary.FileBytes, new OurSide(ours), theirs, windows, tokenizer, text, opts);
                results.Add(row);
            }
            if (!opts.Keep) File.Delete(path);
        }
    }
}
if (opts.Json is { } json) File.WriteAllText(json, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
return 0;

Dictionary<string, object> Compare(string name, long parameters, string type, long bytes, OurSide ours, LlamaCppSide theirs,
    List<int[]> windows, BpeTokenizer tokenizer, string sample, Options o)
{
    double maxAbs = 0, nllOurs = 0, nllTheirs = 0;
    int predictions = 0, checkedGreedy = 0, equalGreedy = 0;
    foreach (var ids in windows)
    {
        float[] a = ours.Logits(ids), b = theirs.Logits(ids);
        int v = theirs.Vocab;
        for (int p = 0; p < ids.Length; p++)
        {
            var ra = a.AsSpan(p * v, v);
            var rb = b.AsSpan(p * v, v);
            for (int i = 0; i < v; i++) maxAbs = Math.Max(maxAbs, Math.Abs(ra[i] - rb[i]));
            var (top, margin) = TopTwo(ra);
            if (margin > o.Tol) { checkedGreedy++; if (TopTwo(rb).Top == top) equalGreedy++; }
            if (p + 1 < ids.Length) { nllOurs += Nll(ra, ids[p + 1]); nllTheirs += Nll(rb, ids[p + 1]); predictions++; }
        }
    }
    double pplOurs = Math.Exp(nllOurs / predictions), pplTheirs = Math.Exp(nllTheirs / predictions);
    // One warm-up, then the best of o.Repeats runs each (the machine is shared: the best run is the least disturbed one).
    ours.Time(windows[0], 2);
    theirs.Time(windows[0], 2);
    var runsOurs = Enumerable.Range(0, o.Repeats).Select(_ => ours.Time(windows[0], o.Decode)).ToList();
    var runsTheirs = Enumerable.Range(0, o.Repeats).Select(_ => theirs.Time(windows[0], o.Decode)).ToList();
    double pa = runsOurs.Min(r => r.Prefill), da = runsOurs.Min(r => r.Decode), pb = runsTheirs.Min(r => r.Prefill), db = runsTheirs.Min(r => r.Decode);
    int[] ta = runsOurs[0].Tokens, tb = runsTheirs[0].Tokens;
    double prefillOurs = windows[0].Length / pa, prefillTheirs = windows[0].Length / pb, decodeOurs = o.Decode / da, decodeTheirs = o.Decode / db;
    var lines = sample.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(200).ToArray();
    int sameIds = lines.Count(l => tokenizer.Encode(l).SequenceEqual(theirs.Tokenize(l)));
    Console.WriteLine(string.Create(inv, $"| {name} | {parameters / 1e6:F1}M | {type} | {bytes / 1e6:F1} | {maxAbs:E2} | " +
        $"{pplOurs:F4} | {pplTheirs:F4} | " +
        $"{Signed((pplOurs / pplTheirs - 1) * 100)}% | {equalGreedy}/{checkedGreedy} | {prefillOurs:F0} / {prefillTheirs:F0} | " +
        $"{decodeOurs:F1} / {decodeTheirs:F1} | {decodeOurs / decodeTheirs:F2} |"));
    Console.Error.WriteLine(string.Create(inv, $"  {name} {type}: tokenizer ids equal on {sameIds}/{lines.Length} lines; " +
        $"greedy continuations equal for {CommonPrefix(ta, tb)}/{ta.Length} tokens"));
    return new()
    {
        ["model"] = name, ["parameters"] = parameters, ["type"] = type, ["file_bytes"] = bytes, ["max_abs_logit_diff"] = maxAbs,
        ["ppl_ours"] = pplOurs, ["ppl_llama_cpp"] = pplTheirs, ["greedy_checked"] = checkedGreedy, ["greedy_equal"] = equalGreedy,
        ["prefill_tok_s_ours"] = prefillOurs, ["prefill_tok_s_llama_cpp"] = prefillTheirs, ["decode_tok_s_ours"] = decodeOurs,
        ["decode_tok_s_llama_cpp"] = decodeTheirs, ["tokenizer_lines_equal"] = sameIds, ["tokenizer_lines"] = lines.Length,
        ["greedy_prefix_equal"] = CommonPrefix(ta, tb), ["window"] = windows[0].Length, ["windows"] = windows.Count, ["tol"] = o.Tol,
        ["activations"] = ours.Rounding.ToString(),
    };
}

static (int Top, double Margin) TopTwo(ReadOnlySpan<float> x)
{
    int best = 0;
    for (int i = 1; i < x.Length; i++) if (x[i] > x[best]) best = i;
    float second = float.NegativeInfinity;
    for (int i = 0; i < x.Length; i++) if (i != best && x[i] > second) second = x[i];
    return (best, x[best] - second);
}

static double Nll(ReadOnlySpan<float> logits, int target)
{
    double max = double.NegativeInfinity, sum = 0;
    foreach (float l in logits) max = Math.Max(max, l);
    foreach (float l in logits) sum += Math.Exp(l - max);
    return max + Math.Log(sum) - logits[target];
}

static string Signed(double x) => (x >= 0 ? "+" : "") + x.ToString("F3", CultureInfo.InvariantCulture);

static int CommonPrefix(int[] a, int[] b)
{
    int n = 0;
    while (n < a.Length && n < b.Length && a[n] == b[n]) n++;
    return n;
}

static (GptModel, BpeTokenizer) Build(string name, Options o)
{
    if (name == "lab6")
    {
        var (m, tok, info) = GptPretraining.Load(o.Checkpoint ?? throw new ArgumentException("--checkpoint DIR is needed for " +
            "the lab6 model"));
        return (m, tok as BpeTokenizer ?? throw new ArgumentException($"{info.Directory} has no BPE tokenizer"));
    }
    var gpt2 = PretrainedTokenizers.Gpt2();
    var config = name switch
    {
        // A small GPT-2-shaped model (the lab-6 shape scaled down, with GPT-2's tanh GELU, which llama.cpp's gpt2 graph
        // computes) and its Llama-shaped twin (RoPE, RMSNorm, SwiGLU, GQA).
        "small" => new GptConfig
        {
            VocabSize = gpt2.VocabSize, Context = 256, Width = 256, Layers = 4, Heads = 4, ActivationFunction = "gelu_new",
        },
        "llama" => new GptConfig
        {
            VocabSize = gpt2.VocabSize, Context = 256, Width = 256, Layers = 4, Heads = 4, KvHeads = 2, PositionEmbedding = PositionEmbeddingKind.Rope,
            Norm = NormalizationKind.RmsNorm, Mlp = FeedForwardKind.SwiGlu, Bias = false,
        },
        // GPT-2 small (124M), random weights: the size where the gap is measured.
        "large" => GptConfig.Gpt2Small with { Context = 512, ActivationFunction = "gelu_new" },
        _ => throw new ArgumentException($"unknown model '{name}' (small, llama, large, lab6)"),
    };
    Seeding.SeedTorch(20);
    return (new GptModel(config), gpt2);
}

static string SdkText()
{
    string file = SdkDocsLocator.FindXmlFiles().OrderBy(f => f, StringComparer.Ordinal).First(f => f.EndsWith("System.Runtime.xml", StringComparison.Ordinal));
    string plain = Regex.Replace(File.ReadAllText(file), "<[^>]+>", " ");
    return Regex.Replace(plain, "[ \t]+", " ")[..200_000];
}

sealed record Options(string[] Models, string? Checkpoint, string[] Types, int Windows, int Window, int Decode, int Threads, double Tol,
    string? Text, string Work, string? Json, bool Keep, int Repeats, ActivationRounding Activations)
{
    public static Options? Parse(string[] args)
    {
        var d = new Dictionary<string, string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] is "--help" or "-h") return null;
            if (args[i] == "--keep") { d["keep"] = "1"; continue; }
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length) throw new ArgumentException($"bad " +
                $"argument '{args[i]}'");
            d[args[i][2..]] = args[++i];
        }
        string Get(string k, string v) => d.GetValueOrDefault(k, v);
        var models = Get("models", "small,llama,large").Split(',').ToList();
        if (d.ContainsKey("checkpoint") && !models.Contains("lab6")) models.Insert(0, "lab6");
        return new Options([.. models], d.GetValueOrDefault("checkpoint"), Get("types", "f32,f16,q8_0,q4_0").Split(','),
            int.Parse(Get("windows", "4"), CultureInfo.InvariantCulture), int.Parse(Get("window", "128"), CultureInfo.InvariantCulture),
            int.Parse(Get("decode", "32"), CultureInfo.InvariantCulture), int.Parse(Get("threads", "2"), CultureInfo.InvariantCulture),
            double.Parse(Get("tol", "1e-3"), CultureInfo.InvariantCulture), d.GetValueOrDefault("text"),
            Get("work", Path.Combine(Path.GetTempPath(), "llamacpp-peer")), d.GetValueOrDefault("json"), d.ContainsKey("keep"),
            int.Parse(Get("repeats", "3"), CultureInfo.InvariantCulture),
            Get("activations", "none").Split(',').Aggregate(ActivationRounding.None, (r, a) => r | a switch
            {
                "none" => ActivationRounding.None,
                "q8_0" => ActivationRounding.Q8_0,
                "gelu_fp16" => ActivationRounding.GeluFp16,
                _ => throw new ArgumentException($"--activations takes none, q8_0 and/or gelu_fp16 (got '{a}')"),
            }));
    }
}
