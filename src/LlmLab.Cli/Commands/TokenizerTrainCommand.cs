using System.Diagnostics;
using System.Globalization;
using System.Text;
using LlmLab.Reporting;
using LlmLab.Text;
using LlmLab.Tokenization;

namespace LlmLab.Cli.Commands;

/// <summary>
/// <c>llmlab tokenizer train</c>: trains a byte-level BPE tokenizer (or builds a character vocabulary) on a corpus —
/// the SDK docs when no <c>--input</c> is given — and writes it to <c>--out</c> atomically.
/// </summary>
public sealed class TokenizerTrainCommand : CliCommand
{
    public override string Name => "tokenizer train";
    public override string Summary => "train a byte-level BPE (or character) tokenizer on a corpus and save it";
    public override string Usage => "--vocab-size N --out FILE [--input FILE|DIR] [--field NAME] [--pattern gpt2|gpt4|none] " +
                                    "[--special TEXT]… [--max-bytes N] [--name NAME] [--kind bpe|char [--unknown error|unk|skip]]";
    public override IReadOnlySet<string> Options =>
        new HashSet<string> { "input", "field", "vocab-size", "pattern", "special", "max-bytes", "out", "name", "kind", "unknown" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "");
        string outPath = args.Get("out") ?? throw new UsageException("--out FILE is required", this);
        string kind = (args.Get("kind") ?? "bpe").ToLowerInvariant();
        if (kind is not ("bpe" or "char")) throw new InputException($"--kind must be bpe or char (got '{args.Get("kind")}')");
        long maxBytes = args.GetLong("max-bytes", long.MaxValue);
        if (maxBytes < 1) throw new InputException($"--max-bytes must be ≥ 1 (got {maxBytes})");
        var source = Corpora.Open(args.Get("input"), args.Get("field"));
        OutputPaths.File(outPath, "--out", args.Get("input")); // before training: never after minutes of work, never over the input
        var c = CultureInfo.InvariantCulture;
        var clock = Stopwatch.StartNew();
        long documents = 0, bytes = 0;
        IEnumerable<string> Texts()
        {
            foreach (var doc in source.Read())
            {
                if (bytes >= maxBytes) yield break;
                documents++;
                bytes += Encoding.UTF8.GetByteCount(doc.Text);
                yield return doc.Text;
            }
        }

        if (kind == "char")
        {
            foreach (string o in (string[])["vocab-size", "pattern", "special", "name"])
                if (args.Get(o) is not null) throw new InputException($"--{o} applies to --kind bpe, not char");
            var chars = CharTokenizer.Build(Texts(), CharTokenizer.ParsePolicy(args.Get("unknown") ?? "error"));
            chars.Save(outPath);
            @out.WriteLine(string.Format(c, "built a character vocabulary of {0:N0} characters from {1} ({2:N0} document{3}, {4:N0} bytes) in {5:F1} s",
                chars.CodePoints.Count, source.Name, documents, documents == 1 ? "" : "s", bytes, clock.Elapsed.TotalSeconds));
            @out.WriteLine($"unknown    {chars.Policy.ToString().ToLowerInvariant()}{(chars.UnknownId is { } u ? $" (<unk> = id {u})" : "")}");
            @out.WriteLine($"wrote      {outPath}");
            return 0;
        }

        if (args.Get("unknown") is not null) throw new InputException("--unknown applies to --kind char, not bpe");
        if (args.Get("vocab-size") is null) throw new UsageException("--vocab-size N is required", this);
        var options = new BpeTrainingOptions(args.GetInt("vocab-size", 0), SplitPatterns.FromName(args.Get("pattern") ?? "gpt4"),
            args.GetAll("special").ToList(), args.Get("name") ?? Path.GetFileNameWithoutExtension(outPath));
        options.Validate(); // before reading the corpus: a bad size should not wait for it
        var tokenizer = SpectreProgress.Run(sink =>
        {
            using var progress = new TrainingProgress(sink);
            return BpeTokenizer.Train(Texts(), options, progress);
        });
        tokenizer.Save(outPath);

        int wanted = options.VocabSize - 256 - options.Specials.Count;
        @out.WriteLine(string.Format(c, "trained on {0} ({1:N0} document{2}, {3:N0} bytes) in {4:F1} s", source.Name, documents, documents == 1 ? "" : "s",
            bytes, clock.Elapsed.TotalSeconds));
        @out.WriteLine(string.Format(c, "vocabulary {0:N0} = 256 bytes + {1:N0} merges + {2} special token{3}", tokenizer.VocabSize,
            tokenizer.Merges.Count, options.Specials.Count, options.Specials.Count == 1 ? "" : "s"));
        if (tokenizer.Merges.Count < wanted)
            @out.WriteLine(string.Format(c, "note: the corpus ran out of pairs after {0:N0} of {1:N0} merges: every word is one token", tokenizer.Merges.Count, wanted));
        @out.WriteLine($"pattern    {SplitPatterns.NameOf(options.Pattern)}");
        @out.WriteLine(string.Format(c, "wrote      {0} ({1:N0} bytes)", outPath, new FileInfo(outPath).Length));
        return 0;
    }

    /// <summary>Training progress on the CLI's bars: documents read, then merges done.</summary>
    sealed class TrainingProgress(IProgressSink sink) : IProgress<BpeTrainingProgress>, IDisposable
    {
        readonly object _gate = new();
        IProgressTask? _reading, _merging;
        long _shown;

        public void Report(BpeTrainingProgress value)
        {
            lock (_gate)
            {
                if (value.Phase == "counting")
                {
                    _reading ??= sink.Begin("reading and counting words", 0);
                    _reading.Description = $"reading and counting words: {value.Done:N0} documents";
                    return;
                }
                _reading?.Dispose();
                _reading = null;
                _merging ??= sink.Begin("merging", value.Total);
                _merging.Increment(value.Done - _shown);
                _shown = value.Done;
            }
        }

        public void Dispose()
        {
            lock (_gate) { _reading?.Dispose(); _merging?.Dispose(); }
        }
    }
}
