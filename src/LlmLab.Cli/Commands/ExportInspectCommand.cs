using System.Globalization;
using LlmLab.Interop;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab export inspect</c>: what a GGUF file holds — version, metadata (long arrays summarised) and tensors
/// (name, ggml dimensions, type, offset) — read and checked by <see cref="GgufFile"/>.</summary>
public sealed class ExportInspectCommand : CliCommand
{
    public override string Name => "export inspect";
    public override string Summary => "list a GGUF file's metadata and tensors";
    public override string Usage => "FILE.gguf [--all]";
    public override IReadOnlySet<string> Options => new HashSet<string>();
    public override IReadOnlySet<string> Flags => new HashSet<string> { "all" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(1, this, "FILE.gguf");
        var file = GgufFile.Open(args.Positionals[0]);
        bool all = args.Flag("all");
        @out.WriteLine($"GGUF v{file.Version}: {file.Metadata.Count} metadata keys, {file.Tensors.Count} tensors, data at byte " +
            $"{file.DataStart} (alignment {file.Alignment})");
        foreach (var (key, value) in file.Metadata) @out.WriteLine($"  {key} = {Show(value, all)}");
        foreach (var t in file.Tensors)
            @out.WriteLine($"  {t.Name,-28} [{string.Join(", ", t.Dimensions)}] {GgmlTypes.Name(t.Type)} @ {t.Offset} " +
                $"({t.ByteSize} bytes)");
        return 0;
    }

    static string Show(object value, bool all) => value switch
    {
        string s => Quote(s),
        Array a when !all && a.Length > 8 => $"[{string.Join(", ", a.Cast<object>().Take(8).Select(v => Show(v, all)))}, … " +
            $"({a.Length} items)]",
        Array a => $"[{string.Join(", ", a.Cast<object>().Select(v => Show(v, all)))}]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    static string Quote(string s) => "\"" + (s.Length > 200 ? s[..200] + "…" : s).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
