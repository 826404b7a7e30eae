using System.Globalization;
using LlmLab.Data.Analysis;
using LlmLab.Runtime;

namespace LlmLab.Cli.Commands;

/// <summary>
/// <c>llmlab data langid-train</c>: trains the character n-gram language identifier on directories of man pages and
/// writes the model (<c>langid.bin</c>) and its held-out lines (<c>langid-heldout.tsv</c>) to <c>--out</c>, then
/// prints the held-out accuracy. The files embedded in the library were made with the command in docs/part-05.md.
/// </summary>
public sealed class DataLangIdTrainCommand : CliCommand
{
    public override string Name => "data langid-train";
    public override string Summary => "train the n-gram language identifier on man pages; write langid.bin and langid-heldout.tsv";
    public override string Usage => "--lang CODE=DIR[,DIR…]… --out DIR [--grams 3000] [--max-chars 2000000] [--heldout-lines 300] [--show-errors N]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "lang", "out", "grams", "max-chars", "heldout-lines", "show-errors" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "no argument");
        string dir = args.Get("out") ?? throw new UsageException("--out DIR is required", this);
        OutputPaths.Directory(dir, "--out");
        var langs = new List<(string, IReadOnlyList<string>)>();
        foreach (string spec in args.GetAll("lang"))
        {
            int eq = spec.IndexOf('=');
            if (eq <= 0 || eq == spec.Length - 1) throw new InputException($"--lang '{spec}': expected CODE=DIR[,DIR…], e.g. --lang fr=/usr/share/man/fr");
            langs.Add((spec[..eq], spec[(eq + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        }
        if (langs.Count < 2) throw new UsageException("give at least two --lang CODE=DIR[,DIR…]", this);
        var options = new LanguageIdTrainer.Options(
            GramsPerLanguage: args.GetInt("grams", 3000, min: 10),
            MaxCharsPerLanguage: args.GetLong("max-chars", 2_000_000),
            HeldOutLines: args.GetInt("heldout-lines", 300, min: 1));
        if (options.MaxCharsPerLanguage < 1000) throw new InputException($"--max-chars must be ≥ 1000 (got {options.MaxCharsPerLanguage})");

        var result = LanguageIdTrainer.Train(langs, options, @out.WriteLine);
        Directory.CreateDirectory(dir);
        string model = Path.Combine(dir, "langid.bin"), heldOut = Path.Combine(dir, "langid-heldout.tsv");
        AtomicFile.Write(model, s => result.Model.Save(s));
        AtomicFile.WriteAllText(heldOut, LanguageIdEvaluation.ToTsv(result.HeldOut));
        var eval = LanguageIdEvaluation.Run(result.Model, result.HeldOut);
        var c = CultureInfo.InvariantCulture;
        @out.WriteLine(string.Format(c, "model      {0} ({1:N0} n-grams, {2:N0} bytes)", model, result.Model.Counts.Count, new FileInfo(model).Length));
        @out.WriteLine(string.Format(c, "held out   {0} ({1:N0} lines)", heldOut, result.HeldOut.Count));
        @out.WriteLine(string.Format(c, "accuracy   {0:P2} on {1:N0} held-out lines of ≥ 50 characters", eval.Accuracy, eval.Lines));
        foreach (string l in eval.Languages) @out.WriteLine(string.Format(c, "  {0,-3} {1:P1}", l, eval.AccuracyOf(l)));
        int show = args.GetInt("show-errors", 0, min: 0);
        foreach (var (lang, text) in result.HeldOut.Where(h => result.Model.Identify(h.Text) != h.Language).Take(show))
            @out.WriteLine($"  {lang} → {result.Model.Identify(text)}: {text}");
        return 0;
    }
}
