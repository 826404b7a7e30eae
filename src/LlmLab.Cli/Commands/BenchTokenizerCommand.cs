using LlmLab.Runtime;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LlmLab.Cli.Bench;
using LlmLab.Text;
using LlmLab.Tokenization;
using Peer = Microsoft.ML.Tokenizers;

namespace LlmLab.Cli.Commands;

/// <summary>
/// <c>llmlab bench tokenizer</c>: our byte-level BPE beside its peers, in one run. (1) Training on the same text:
/// ours vs sentencepiece's <c>spm_train --model_type=bpe</c> at the same vocabulary size, and vs HF tokenizers (whose
/// Node binding only trains at 30,000 tokens, so that pair is compared at 30,000); compression in bytes per token.
/// (2) GPT-2 encoding of the same text: ours vs Microsoft.ML.Tokenizers in this process (ids must be identical) and
/// vs tiktoken (Node). Samples are interleaved, and min and median reported. Peers come from bench/setup.sh.
/// </summary>
public sealed class BenchTokenizerCommand : CliCommand
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public override string Name => "bench tokenizer";
    public override string Summary => "BPE training vs sentencepiece and HF tokenizers; GPT-2 encoding vs Microsoft.ML.Tokenizers and tiktoken";
    public override string Usage => "[--input TEXT (default bench/data/kjv.txt)] [--vocab-size 8192] [--encode-mb 4] [--repeats 5] [--skip train|encode]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "input", "vocab-size", "encode-mb", "repeats", "skip" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "no argument");
        string bench = PeerProcess.BenchFolder();
        string input = args.Get("input") ?? Path.Combine(bench, "data", "kjv.txt");
        if (!File.Exists(input)) throw new InputException($"training text '{input}' not found; run bench/setup.sh (it writes bench/data/kjv.txt) or give --input FILE");
        int vocab = args.GetInt("vocab-size", 8192, min: 257);
        int repeats = args.GetInt("repeats", 5, min: 1, max: 100);
        double encodeMb = args.GetDouble("encode-mb", 4, min: 0.01);
        string? skip = args.Get("skip");
        @out.WriteLine($"machine: {Environment.ProcessorCount} logical cores; {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        if (skip != "train") Training(@out, bench, input, vocab, repeats);
        if (skip != "encode") Encode(@out, bench, encodeMb, repeats);
        return 0;
    }

    static void Training(TextWriter @out, string bench, string input, int vocab, int repeats)
    {
        long bytes = new FileInfo(input).Length;
        @out.WriteLine($"\n== BPE training on {Path.GetFileName(input)} ({bytes / 1e6:0.00} MB), {repeats} runs each, interleaved ==");
        string tmp = Directory.CreateTempSubdirectory("llmlab-bench-").FullName;
        try
        {
            var ours = new List<double>();
            var ours30k = new List<double>();
            var spm = new List<double>();
            var hf = new List<double>();
            BpeTokenizer? trained = null;
            string threads = Environment.ProcessorCount.ToString(C);
            for (int r = 0; r < repeats; r++)
            {
                // Ours: read the file, train with GPT-2's split pattern (sentencepiece also splits at whitespace).
                (trained, double s) = TrainOurs(input, vocab);
                ours.Add(s);
                spm.Add(PeerProcess.RunChecked("spm_train", [$"--input={input}", $"--model_prefix={Path.Combine(tmp, "spm")}",
                    $"--vocab_size={vocab}", "--model_type=bpe", "--character_coverage=1.0", $"--num_threads={threads}",
                    "--minloglevel=2"]).Seconds);
                ours30k.Add(TrainOurs(input, 30000).Seconds);
                var h = PeerProcess.RunChecked("node", [Path.Combine(bench, "node", "hf_train.js"), input, Path.Combine(tmp, "hf.json")]);
                hf.Add(h.Seconds);
            }
            Row(@out, $"ours ({vocab:N0})", ours, null);
            Row(@out, $"sentencepiece spm_train bpe ({vocab:N0})", spm, ours);
            Row(@out, "ours (30,000)", ours30k, null);
            Row(@out, "HF tokenizers, Node (30,000; process)", hf, ours30k);
            @out.WriteLine("ratio = peer time / our time (> 1: we are faster). Our times are in-process (file read + train, no .NET start-up);");
            @out.WriteLine("the peers' are whole processes (start-up, read, train, write the model).");

            // Compression on the training text: bytes per token.
            string text = File.ReadAllText(input);
            double oursBpt = System.Text.Encoding.UTF8.GetByteCount(text) / (double)trained!.Encode(text).Length;
            var enc = PeerProcess.RunChecked("spm_encode", [$"--model={Path.Combine(tmp, "spm.model")}", "--output_format=id"], stdinFile: input);
            long spmTokens = enc.Stdout.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries).LongLength;
            @out.WriteLine(string.Create(C, $"compression: ours {oursBpt:0.000} bytes/token, sentencepiece {bytes / (double)spmTokens:0.000} bytes/token " +
                $"(sentencepiece drops newlines and merges across its ▁ spaces; ours keeps every byte)"));
        }
        finally { Directory.Delete(tmp, recursive: true); }
    }

    static (BpeTokenizer Tokenizer, double Seconds) TrainOurs(string input, int vocab)
    {
        var sw = Stopwatch.StartNew();
        var t = BpeTokenizer.Train(File.ReadLines(input), new BpeTrainingOptions(vocab, SplitPatterns.Gpt2));
        return (t, sw.Elapsed.TotalSeconds);
    }

    static void Encode(TextWriter @out, string bench, double mb, int repeats)
    {
        // The same text for all: the first `mb` MB of the default corpus, documents joined by newlines.
        var sb = new StringBuilder();
        foreach (var d in Corpora.Open(null).Read())
        {
            sb.Append(d.Text).Append('\n');
            if (sb.Length >= mb * 1e6) break;
        }
        string text = sb.ToString();
        double textMb = System.Text.Encoding.UTF8.GetByteCount(text) / 1e6;
        @out.WriteLine($"\n== GPT-2 encoding of {textMb:0.00} MB of the default corpus, {repeats} passes each, interleaved ==");
        var ours = PretrainedTokenizers.Gpt2();
        var peer = Peer.TiktokenTokenizer.CreateForModel("gpt2");
        var oursIds = ours.Encode(text);   // warm-up (loads, JIT, caches) and the parity check
        var peerIds = peer.EncodeToIds(text);
        bool same = oursIds.AsSpan().SequenceEqual(peerIds.ToArray());
        var a = new List<double>();
        var b = new List<double>();
        for (int r = 0; r < repeats; r++)
        {
            var sw = Stopwatch.StartNew();
            ours.Encode(text);
            a.Add(sw.Elapsed.TotalSeconds);
            sw.Restart();
            peer.EncodeToIds(text);
            b.Add(sw.Elapsed.TotalSeconds);
        }
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, text, new UTF8Encoding(false));
            var t = PeerProcess.RunChecked("node", [Path.Combine(bench, "node", "tiktoken_encode.js"), file, repeats.ToString(C)]);
            using var json = JsonDocument.Parse(t.Stdout);
            var tk = json.RootElement.GetProperty("seconds").EnumerateArray().Select(e => e.GetDouble()).ToList();
            bool tkSame = json.RootElement.GetProperty("tokens").GetInt64() == oursIds.Length
                          && json.RootElement.GetProperty("hash").GetString() == Fnv(oursIds).ToString(C);
            RowMb(@out, "ours", a, textMb, null);
            RowMb(@out, "Microsoft.ML.Tokenizers 2.0.1 (same process)", b, textMb, a);
            RowMb(@out, "tiktoken 1.0.22 (Node, WASM)", tk, textMb, a);
            @out.WriteLine($"ids identical: Microsoft.ML.Tokenizers {(same ? "yes" : "NO")}, tiktoken {(tkSame ? "yes" : "NO")} ({oursIds.Length:N0} tokens)");
            if (!same || !tkSame) throw new InvalidOperationException("token ids differ from a peer's");
        }
        finally { File.Delete(file); }
    }

    static ulong Fnv(int[] ids)
    {
        ulong h = 0xcbf29ce484222325UL;
        foreach (int id in ids) { h ^= (ulong)id; h *= 0x100000001b3UL; }
        return h;
    }

    static void Row(TextWriter @out, string name, List<double> s, List<double>? ours)
    {
        var (min, med) = SampleStats.MinMedian(s);
        string ratio = ours is null ? "" : string.Create(C, $"  ratio {min / SampleStats.MinMedian(ours).Min:0.00}x (min) {med / SampleStats.MinMedian(ours).Median:0.00}x (median)");
        @out.WriteLine(string.Create(C, $"  {name,-42} min {min,7:0.000} s  median {med,7:0.000} s{ratio}"));
    }

    static void RowMb(TextWriter @out, string name, List<double> s, double mb, List<double>? ours)
    {
        var (min, med) = SampleStats.MinMedian(s);
        string ratio = ours is null ? "" : string.Create(C, $"  our speed / theirs {min / SampleStats.MinMedian(ours).Min:0.00}x (min) {med / SampleStats.MinMedian(ours).Median:0.00}x (median)");
        @out.WriteLine(string.Create(C, $"  {name,-42} {mb / min,7:0.00} MB/s best  {mb / med,7:0.00} MB/s median{ratio}"));
    }
}
