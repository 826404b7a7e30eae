using System.Globalization;
using LlmLab.Labs.Framework;
using LlmLab.Retrieval.Embeddings;

namespace LlmLab.Labs.Part10;

/// <summary>
/// Lab 10.3 — cost optimisation with caching and a cascade. (1) The response caches of <c>LlmLab.Monitoring.Caching</c>
/// on a probe set built for false hits (repeats, paraphrases that should hit, negations, changed numbers and other
/// entities that must not): exact cache, then the semantic cache on MiniLM across similarity thresholds, hit rate
/// against false-hit rate, plotted. (2) Two of our own models of different sizes on lab 7.1's task families (checkable
/// answers): large only, small only, a FrugalGPT cascade whose threshold is calibrated on a validation split to target
/// escalation rates, and the cascade behind the exact cache, as cost (tokens × 2·N FLOPs) against accuracy. The logic
/// is in <c>LlmLab.Monitoring</c>; the lab orchestrates and checks it.
/// </summary>
public sealed partial class CostCascadeLab : Lab<CostCascadeConfig>
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    protected override string Id => "10.3";

    public override CostCascadeConfig Defaults(Profile profile) => CostCascadeConfig.For(profile);

    protected override void Validate(CostCascadeConfig cfg)
    {
        ConfigRules.AtLeast("probe_groups", cfg.ProbeGroups, 1);
        ConfigRules.AtLeast("validation_per_family", cfg.ValidationPerFamily, 1);
        ConfigRules.AtLeast("test_per_family", cfg.TestPerFamily, 1);
        ConfigRules.InRange("repeat_share", cfg.RepeatShare, 0.0, 0.9);
        ConfigRules.AtLeast("max_new_tokens", cfg.MaxNewTokens, 1);
        foreach (var (k, v) in new[] { ("small_layers", cfg.SmallLayers), ("small_width", cfg.SmallWidth), ("large_layers", cfg.LargeLayers),
                     ("large_width", cfg.LargeWidth), ("heads", cfg.Heads), ("base_steps", cfg.BaseSteps), ("sft_steps", cfg.SftSteps),
                     ("batch", cfg.Batch), ("train_per_family", cfg.TrainPerFamily) })
            ConfigRules.AtLeast(k, v, 1);
        ConfigRules.AtLeast("context", cfg.Context, 16);
        ConfigRules.AtLeast("bpe_vocab", cfg.BpeVocab, 260);
    }

    public override void Run(LabContext ctx, CostCascadeConfig cfg)
    {
        using (var encoder = OnnxSentenceEncoder.CreateMiniLm()) Caches(ctx, cfg, encoder);
        Cascade(ctx, cfg);
    }

    static string Pct(double x) => double.IsNaN(x) ? "—" : (100 * x).ToString("0.0", C) + " %";
    static string F(double x, string format = "0.###") => x.ToString(format, C);
}
