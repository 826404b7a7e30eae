using System.Globalization;
using LlmLab.Nn.Attention;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Cli.Commands;

/// <summary>
/// <c>llmlab bench attention</c>: naive vs tiled (ours, FlashAttention's algorithm) vs libtorch SDPA across sequence
/// lengths, causal and not, forward and forward + backward: min/median time, peak resident memory, the speed ratios of
/// the course's goals (tiled ≥ 10× faster than naive at T = 4,096, within 3× of SDPA), the fitted memory exponents, and
/// the agreement of outputs and gradients. Run it with nothing else on the machine.
/// </summary>
public sealed class BenchAttentionCommand : CliCommand
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public override string Name => "bench attention";
    public override string Summary => "naive vs tiled (FlashAttention) vs libtorch SDPA: time and peak memory across T, causal and not";
    public override string Usage => "[--t 128,256,…,8192] [--repeats 5] [--heads 4] [--head-dim 64] [--batch 1] [--causal both|yes|no] " +
                                    "[--blocks 128x128,64x256] [--naive-max 8192] [--verify-max 4096] [--threads N] [--forward-only] [--no-memory]";
    public override IReadOnlySet<string> Options =>
        new HashSet<string> { "t", "repeats", "heads", "head-dim", "batch", "causal", "blocks", "naive-max", "verify-max", "threads" };
    public override IReadOnlySet<string> Flags => new HashSet<string> { "forward-only", "no-memory" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "no argument");
        var lengths = Ints(args.Get("t") ?? "128,256,512,1024,2048,4096,8192", "t");
        bool[] causal = (args.Get("causal") ?? "both") switch
        {
            "both" => [false, true],
            "yes" => [true],
            "no" => [false],
            var s => throw new InputException($"--causal must be both, yes or no (got '{s}')"),
        };
        var blocks = new List<TiledAttentionBlocks>();
        foreach (string b in (args.Get("blocks") ?? TiledAttentionBlocks.Default.ToString()).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try { blocks.Add(TiledAttentionBlocks.Parse(b)); }
            catch (FormatException e) { throw new InputException($"--blocks: {e.Message}"); }
        }
        if (blocks.Count == 0) throw new InputException("--blocks is empty; give e.g. 128x128");
        var options = new AttentionBenchmarkOptions(
            Lengths: lengths,
            Batch: args.GetInt("batch", 1, min: 1, max: 1024),
            Heads: args.GetInt("heads", 4, min: 1, max: 1024),
            HeadDim: args.GetInt("head-dim", 64, min: 1, max: 4096),
            CausalModes: causal,
            Tiles: blocks,
            Repeats: args.GetInt("repeats", 5, min: 1, max: 1000),
            Backward: !args.Flag("forward-only"),
            NaiveMaxLength: args.GetInt("naive-max", 8192, min: 0),
            Memory: !args.Flag("no-memory"),
            VerifyMaxLength: args.GetInt("verify-max", 4096, min: 0),
            Seed: 0);
        TorchRuntime.EnsureLoaded(args.Get("threads") is null ? null : args.GetInt("threads", 1, min: 1, max: 1024));
        @out.WriteLine($"machine: {Environment.ProcessorCount} logical cores, libtorch threads {get_num_threads()}; {TorchRuntime.Version}");
        @out.WriteLine($"shape: batch {options.Batch} × {options.Heads} heads × T × head dim {options.HeadDim}, fp32; {options.Repeats} timed repeats " +
                       $"after one warm-up, interleaved; memory: {(options.Memory ? PeakResidentMemory.Supported ? "peak resident growth per call (Linux VmHWM)" : "not measurable here" : "off")}");
        var result = AttentionBenchmark.Run(options, new Progress(@out));

        foreach (bool c in options.CausalModes)
            foreach (var pass in options.Passes)
            {
                @out.WriteLine();
                @out.WriteLine($"== {AttentionBenchmarkTable.Title(c, pass)} ==");
                var (header, rows) = AttentionBenchmarkTable.Build(result, c, pass);
                Print(@out, header, rows);
            }
        @out.WriteLine();
        @out.WriteLine($"== peak memory ≈ c·T^a: fitted exponent a (2 = quadratic, 1 = linear), over figures ≥ {AttentionBenchmarkResult.ResolutionMultiple}× " +
                       $"the probe's resolution ({AttentionBenchmarkTable.Mb(PeakResidentMemory.ResolutionBytes)} MB here); SDPA from T = {AttentionBenchmarkResult.SdpaFitFrom:N0} ==");
        Print(@out, ["variant", "mode", "exponent", "lengths fitted"], AttentionBenchmarkTable.Exponents(result));
        Goals(@out, result);
        @out.WriteLine();
        @out.WriteLine($"== agreement of outputs and gradients (fp32 tolerance {AttentionAgreement.Fp32Tolerance}) ==");
        foreach (var a in result.Agreements)
            @out.WriteLine($"{(a.Passed ? "ok  " : "FAIL")} {a.Describe()}");
        return result.Agreements.All(a => a.Passed) ? 0 : 1;
    }

    /// <summary>The course's timing goals at T = 4,096, per mode and tiled variant, when that point was measured.</summary>
    static void Goals(TextWriter @out, AttentionBenchmarkResult result)
    {
        const int T = 4096;
        if (!result.Options.Lengths.Contains(T)) return;
        @out.WriteLine();
        @out.WriteLine($"== goals at T = {T:N0}: tiled ≥ 10× faster than naive, and within 3× of SDPA (min times) ==");
        foreach (bool c in result.Options.CausalModes)
            foreach (var pass in result.Options.Passes)
                foreach (string t in result.Variants.Where(v => v.StartsWith("tiled", StringComparison.Ordinal)))
                {
                    double? vsNaive = AttentionBenchmarkTable.SpeedRatio(result, T, c, pass, "naive", t);
                    double? vsSdpa = AttentionBenchmarkTable.SpeedRatio(result, T, c, pass, t, "sdpa");
                    @out.WriteLine($"{AttentionBenchmarkTable.Title(c, pass)}, {t}: naive ÷ tiled = {R(vsNaive)} ({(vsNaive >= 10 ? "met" : "not met")}), " +
                                   $"tiled ÷ sdpa = {R(vsSdpa)} ({(vsSdpa <= 3 ? "met" : "not met")})");
                }
    }

    static string R(double? r) => r is { } x ? x.ToString("0.00", C) + "×" : "not measured";

    static void Print(TextWriter @out, string[] header, List<string[]> rows)
    {
        int[] width = header.Select((h, i) => Math.Max(h.Length, rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        @out.WriteLine(string.Join(" | ", header.Select((h, i) => h.PadLeft(width[i]))));
        @out.WriteLine(string.Join("-+-", width.Select(w => new string('-', w))));
        foreach (var r in rows) @out.WriteLine(string.Join(" | ", r.Select((x, i) => x.PadLeft(width[i]))));
    }

    static List<int> Ints(string s, string name)
    {
        var list = new List<int>();
        foreach (string p in s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            list.Add(int.TryParse(p, NumberStyles.Integer, C, out int v) && v > 0 ? v
                : throw new InputException($"--{name} must be a comma-separated list of positive integers (got '{s}')"));
        return list.Count > 0 ? list : throw new InputException($"--{name} is empty");
    }

    /// <summary>Prints each finished point as it comes (synchronously: <see cref="System.Progress{T}"/> would post to the thread pool).</summary>
    sealed class Progress(TextWriter @out) : IProgress<string>
    {
        public void Report(string value) => @out.WriteLine($"done: {value}");
    }
}
