using System.Globalization;
using LlmLab.Labs.Framework;
using LlmLab.Nn;
using LlmLab.Nn.Attention;
using LlmLab.Reporting;
using static TorchSharp.torch;

namespace LlmLab.Labs.Part04;

/// <summary>
/// Lab 4.3 — standard attention vs FlashAttention. Checks that our tiled online-softmax kernel
/// (<see cref="TiledAttention"/>, FlashAttention's algorithm, forward and recomputing backward) reproduces the naive
/// kernel and libtorch's SDPA on shapes that catch tiling bugs, then benchmarks naive vs tiled vs SDPA across T, causal
/// and not, forward and forward + backward: time, peak memory, the fitted memory exponent (quadratic for the naive
/// kernel, linear for the others), and the course's speed goals, which are reported but not checked: wall-clock ratios
/// on a shared CPU are not reproducible enough to fail a run on. The math is in <c>LlmLab.Nn.Attention</c>.
/// </summary>
public sealed partial class FlashAttentionLab : Lab<FlashAttentionConfig>
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    protected override string Id => "4.3";

    public override FlashAttentionConfig Defaults(Profile profile) => FlashAttentionConfig.For(profile);

    protected override void Validate(FlashAttentionConfig cfg)
    {
        ConfigRules.NotEmpty("lengths", cfg.Lengths);
        ConfigRules.NotEmpty("causal_modes", cfg.CausalModes);
        ConfigRules.NotEmpty("tiles", cfg.Tiles);
        foreach (int t in cfg.Lengths) ConfigRules.AtLeast("lengths", t, 1);
        ConfigRules.AtLeast("batch", cfg.Batch, 1);
        ConfigRules.AtLeast("heads", cfg.Heads, 1);
        ConfigRules.AtLeast("head_dim", cfg.HeadDim, 1);
        ConfigRules.AtLeast("repeats", cfg.Repeats, 1);
        ConfigRules.AtLeast("naive_max_length", cfg.NaiveMaxLength, 0);
        ConfigRules.AtLeast("verify_max_length", cfg.VerifyMaxLength, 0);
        Tiles(cfg);
        int fitted = cfg.Lengths.Distinct().Count(t => t >= cfg.FitFromLength && t <= cfg.NaiveMaxLength);
        if (fitted < 2)
            throw new InputException($"--set fit_from_length={cfg.FitFromLength}: the memory exponents need at least two lengths between " +
                $"fit_from_length and naive_max_length ({cfg.NaiveMaxLength}); lower fit_from_length or add lengths");
    }

    static List<TiledAttentionBlocks> Tiles(FlashAttentionConfig cfg)
    {
        var tiles = new List<TiledAttentionBlocks>();
        foreach (string s in cfg.Tiles)
        {
            try { tiles.Add(TiledAttentionBlocks.Parse(s)); }
            catch (FormatException e) { throw new InputException($"--set tiles={string.Join(",", cfg.Tiles)}: {e.Message}"); }
        }
        return tiles;
    }

    public override void Run(LabContext ctx, FlashAttentionConfig cfg)
    {
        var tiles = Tiles(cfg);
        Correctness(ctx, tiles[0]);
        var result = Benchmark(ctx, cfg, tiles);
        Memory(ctx, cfg, result);
        Agreement(ctx, result);
        Speed(ctx, result);
    }

    /// <summary>fp32 outputs and gradients on the standard shapes, against the naive kernel and SDPA.</summary>
    static void Correctness(LabContext ctx, TiledAttentionBlocks tiles)
    {
        ctx.Report.Heading("Correctness: the tiled kernel reproduces naive attention and SDPA");
        var tol = AttentionAgreement.Fp32Tolerance;
        ctx.Report.Paragraph($"Tiles of {tiles.Query} query rows × {tiles.Key} keys. Each shape is run by our kernel and by the " +
            "reference on the same fp32 inputs ~ N(0, 1); both are differentiated by autograd against the same random upstream gradient " +
            "dO, so the comparison of dq, dk, dv tests our hand-written backward (recomputation from the saved log-sum-exp) through " +
            $"TorchSharp's custom autograd node. Tolerance: {tol}. The shapes are chosen to break a tiled kernel with a bug: lengths " +
            "that are not multiples of the tile, fewer queries than keys (the queries are the last Tq positions, as when decoding " +
            "with a KV cache), a single decoding step, one head and several, head dims from 16 to 128.");
        var rows = new List<string[]>();
        int seed = 0;
        foreach (var c in AttentionCase.Standard)
        {
            using var scope = NewDisposeScope();
            var (q, k, v, up) = c.Inputs(ctx.Seed + seed++, ScalarType.Float32);
            var row = new List<string> { c.ToString() };
            foreach (var reference in new[] { AttentionVariant.Naive, AttentionVariant.Sdpa })
            {
                var a = AttentionAgreement.Of(c.ToString(), AttentionVariant.Tiled(tiles), reference, q, k, v, c.Causal, up);
                var checks = reference == AttentionVariant.Sdpa
                    ? ctx.Checks.Libtorch("scaled_dot_product_attention")
                        : ctx.Checks.SelfConsistency("our naive kernel (itself checked against SDPA)");
                checks.Claim($"tiled = {reference} (output, dq, dk, dv): {c}", tol.ToString(), $"max |Δ| = {G(a.MaxAbsDiff)}", a.Passed,
                    a.MaxAbsDiff);
                row.Add($"{G(a.Output.MaxAbsDiff)} / {G(a.Dq.MaxAbsDiff)} / {G(a.Dk.MaxAbsDiff)} / {G(a.Dv.MaxAbsDiff)}");
            }
            rows.Add([.. row]);
        }
        ctx.Report.Table(["shape", "vs naive: max |Δ| output / dq / dk / dv", "vs SDPA"], rows,
            "fp32, our tiled kernel against each reference");
    }

    static string G(double v) => v.ToString("0.0e+0", C);
}
