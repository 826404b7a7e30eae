using System.Globalization;
using LlmLab.Labs.Framework;
using LlmLab.Planning;

namespace LlmLab.Labs.Part01;

/// <summary>
/// Lab 1.3 — resource estimation. Tabulates the GPU memory to serve and to train the preset models (weights, KV
/// cache, activations, Adam states, ZeRO sharding), checks the estimator against published figures (Llama-2-7B's
/// KV cache, HF accelerate's zephyr-7b estimate, the ZeRO paper's Figure 1), then builds two small models with
/// TorchSharp, runs one AdamW step, and checks that the bytes it predicts are the bytes libtorch allocates.
/// </summary>
public sealed class ResourceEstimationLab : Lab<ResourceEstimationConfig>
{
    protected override string Id => "1.3";

    public override ResourceEstimationConfig Defaults(Profile profile) => ResourceEstimationConfig.For(profile);

    protected override void Validate(ResourceEstimationConfig cfg)
    {
        ConfigRules.NotEmpty("models", cfg.Models);
        foreach (string m in cfg.Models) ModelPresets.Get(m);
        DtypeInfo.Parse(cfg.WeightDtype);
        foreach (var (key, value) in new (string, long)[]
                 {
                     ("seq", cfg.Seq), ("batch", cfg.Batch), ("train_micro_batch", cfg.TrainMicroBatch), ("zero_parameters", cfg.ZeroParameters),
                     ("zero_gpus", cfg.ZeroGpus), ("probe_layers", cfg.ProbeLayers), ("probe_width", cfg.ProbeWidth), ("probe_heads", cfg.ProbeHeads),
                     ("probe_kv_heads", cfg.ProbeKvHeads), ("probe_experts", cfg.ProbeExperts), ("probe_vocab", cfg.ProbeVocab),
                     ("probe_context", cfg.ProbeContext), ("probe_batch", cfg.ProbeBatch),
                 })
            ConfigRules.AtLeast(key, value, 1);
        ConfigRules.DivisibleBy("probe_width", cfg.ProbeWidth, "probe_heads", cfg.ProbeHeads);
        ConfigRules.DivisibleBy("probe_heads", cfg.ProbeHeads, "probe_kv_heads", cfg.ProbeKvHeads);
    }

    public override void Run(LabContext ctx, ResourceEstimationConfig cfg)
    {
        var models = cfg.Models.Select(ModelPresets.Get).ToList();
        Dtype dtype = DtypeInfo.Parse(cfg.WeightDtype);
        Inference(ctx, cfg, models, dtype);
        Training(ctx, cfg, models);
        Zero(ctx, cfg);
        KnownFigures(ctx);
        Measure(ctx, cfg);
    }

    static double Rel(long measured, long predicted) => Math.Abs(measured - predicted) / (double)Math.Max(1, predicted);
    static string N(double v) => v.ToString("N0", CultureInfo.InvariantCulture);
    static string F(double v, string fmt = "0.00") => v.ToString(fmt, CultureInfo.InvariantCulture);

    /// <summary>The smallest catalogue GPU that holds the estimate, or "none".</summary>
    static string SmallestFit(MemoryEstimate e) => e.FittingGpus().OrderBy(g => g.MemoryBytes).FirstOrDefault()?.Name ?? "none (needs several GPUs)";

    /// <summary>A bar per model, stacked by component, in GB; one legend entry per component.</summary>
    static ScottPlot.Plot Stacked(IReadOnlyList<MemoryEstimate> estimates, string title)
    {
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var names = estimates[0].Components.Select(c => c.Name).ToList();
        var bars = new List<ScottPlot.Bar>();
        for (int i = 0; i < estimates.Count; i++)
        {
            double bottom = 0;
            foreach (var (c, k) in estimates[i].Components.Select((c, k) => (c, k)))
            {
                double gb = ByteSize.Gb(c.Bytes);
                bars.Add(new ScottPlot.Bar { Position = i, ValueBase = bottom, Value = bottom + gb, FillColor = palette.GetColor(k) });
                bottom += gb;
            }
        }
        plot.Add.Bars(bars);
        for (int k = 0; k < names.Count; k++)
            plot.Legend.ManualItems.Add(new ScottPlot.LegendItem { LabelText = names[k], FillColor = palette.GetColor(k) });
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, estimates.Count).Select(i => (double)i).ToArray(),
            estimates.Select(e => e.ModelName).ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        plot.YLabel("GB (10^9 bytes) per GPU");
        return plot;
    }

    void Inference(LabContext ctx, ResourceEstimationConfig cfg, List<ModelSpec> models, Dtype dtype)
    {
        ctx.Report.Heading("Serving: weights + KV cache + activations");
        ctx.Report.Paragraph($"Weights in {DtypeInfo.Name(dtype)}, KV cache in the same format, {cfg.Batch} sequences × {N(cfg.Seq)} tokens, " +
            "FlashAttention-style attention (no s×s scores), 512 MiB for the CUDA context. KV cache per token = " +
            "2 · layers · KV heads · head dim · bytes; grouped-query attention (Llama-3, Mistral, Mixtral, Llama-2-70B) divides it by heads/KV heads. " +
            "GB = 10^9 bytes, GiB = 2^30 bytes.");
        var rows = new List<string[]>();
        var estimates = new List<MemoryEstimate>();
        foreach (var m in models)
        {
            int seq = Math.Min(cfg.Seq, m.MaxPositionEmbeddings);
            var e = MemoryEstimator.Inference(m, new InferenceMemoryOptions(dtype, Batch: cfg.Batch, SeqLen: seq));
            estimates.Add(e);
            double perToken = MemoryEstimator.KvCacheBytesPerToken(m, dtype);
            rows.Add([m.Name, N(m.ParameterCount), N(seq), ByteSize.FormatGb(e.WeightBytes), N(perToken), ByteSize.FormatGb(e.KvCacheBytes),
                ByteSize.FormatGb(e.ActivationBytes), ByteSize.Format(e.TotalBytes), SmallestFit(e)]);
            ctx.Metrics.Log(new { mode = "inference", model = m.Name, parameters = m.ParameterCount, weights = e.WeightBytes,
                kv_cache = e.KvCacheBytes, kv_per_token = perToken, activations = e.ActivationBytes, total = e.TotalBytes });
        }
        ctx.Report.Table(["model", "parameters", "tokens", "weights", "KV B/token", "KV cache", "activations", "total", "smallest GPU that fits"], rows,
            $"inference memory at batch {cfg.Batch}, {N(cfg.Seq)} tokens (or the model's context when shorter)");
        ctx.Plot("inference-memory", Stacked(estimates, "Serving memory by component"),
            $"Serving memory per model, stacked by component (GB), batch {cfg.Batch} × {N(cfg.Seq)} tokens");
    }

    void Training(LabContext ctx, ResourceEstimationConfig cfg, List<ModelSpec> models)
    {
        ctx.Report.Heading("Training with Adam: model states + activations");
        ctx.Report.Paragraph("Mixed precision (bf16 weights and gradients, fp32 master weights and Adam moments) = 16 bytes per parameter " +
            "(the ZeRO paper's 2 + 2 + K, K = 12), on one GPU without sharding. Activations per Korthikanti et al. 2022, sbh(34 + 5as/h) per layer " +
            "(generalised to GQA, SwiGLU and MoE) plus fp32 logits; with full activation checkpointing only each layer's input (2sbh) is kept, " +
            "plus one layer during recomputation. HF accelerate's `estimate-memory` prints 4 × the model's size instead (Adam's two fp32 moments, " +
            "its largest single component), half the full sum.");
        var rows = new List<string[]>();
        var estimates = new List<MemoryEstimate>();
        foreach (var m in models)
        {
            int seq = Math.Min(cfg.Seq, m.MaxPositionEmbeddings);
            var opts = new TrainingMemoryOptions(Dtype.Bf16, cfg.TrainMicroBatch, seq);
            var e = MemoryEstimator.Training(m, opts);
            var ck = MemoryEstimator.Training(m, opts with { ActivationCheckpointing = true });
            estimates.Add(e);
            rows.Add([m.Name, N(seq), ByteSize.FormatGb(e.States.TotalBytes), ByteSize.FormatGb(MemoryEstimator.AccelerateAdamConvention(m, Dtype.Bf16)),
                ByteSize.FormatGb(e.ActivationBytes), ByteSize.FormatGb(ck.ActivationBytes), ByteSize.Format(e.TotalBytes), ByteSize.Format(ck.TotalBytes)]);
            ctx.Metrics.Log(new { mode = "training", model = m.Name, states = e.States.TotalBytes, activations = e.ActivationBytes,
                activations_checkpointed = ck.ActivationBytes, total = e.TotalBytes, total_checkpointed = ck.TotalBytes });
        }
        ctx.Report.Table(["model", "tokens", "model states (16 B/param)", "accelerate 4× convention", "activations", "activations, checkpointed", "total", "total, checkpointed"],
            rows, $"training memory on one GPU, micro-batch {cfg.TrainMicroBatch} × {N(cfg.Seq)} tokens (or the model's context when shorter)");
        ctx.Plot("training-memory", Stacked(estimates, "Training memory by component (no sharding)"),
            $"Training memory per model on one GPU, stacked by component (GB), micro-batch {cfg.TrainMicroBatch} × {N(cfg.Seq)} tokens, no checkpointing");
    }

    static readonly (ZeroStage Stage, string Sharded, string Fsdp, double Paper)[] ZeroRows =
    [
        (ZeroStage.None, "nothing (data parallel)", "NO_SHARD", 120),
        (ZeroStage.OptimizerStates, "optimizer states (P_os)", "—", 31.4),
        (ZeroStage.Gradients, "+ gradients (P_os+g)", "SHARD_GRAD_OP", 16.6),
        (ZeroStage.Parameters, "+ parameters (P_os+g+p)", "FULL_SHARD", 1.9),
    ];

    void Zero(LabContext ctx, ResourceEstimationConfig cfg)
    {
        ctx.Report.Heading("ZeRO: sharding the model states");
        bool paper = cfg.ZeroParameters == 7_500_000_000 && cfg.ZeroGpus == 64;
        var rows = new List<string[]>();
        foreach (var (stage, sharded, fsdp, paperGb) in ZeroRows)
        {
            var s = MemoryEstimator.ModelStatesPerGpu(cfg.ZeroParameters, Dtype.Bf16, stage, cfg.ZeroGpus);
            rows.Add([((int)stage).ToString(CultureInfo.InvariantCulture), sharded, fsdp, ByteSize.Format(s.TotalBytes), paper ? F(paperGb, "0.0") + " GB" : "—"]);
            // The paper prints one decimal: allow the rounding (±0.05 GB).
            if (paper) ctx.Checks.Published("ZeRO paper (Rajbhandari et al. 2020), Fig. 1")
                .Close($"ZeRO stage {(int)stage}, 7.5B params on 64 GPUs = ZeRO paper Fig. 1", ByteSize.Gb(s.TotalBytes), paperGb, 0.05, relative: false, unit: "GB");
        }
        ctx.Report.Table(["stage", "sharded", "FSDP strategy", "per GPU", "ZeRO paper Fig. 1"], rows,
            $"model states per GPU, {N(cfg.ZeroParameters)} parameters, mixed-precision Adam (16 B/param), {cfg.ZeroGpus} GPUs");
        var z3 = MemoryEstimator.ModelStatesPerGpu(cfg.ZeroParameters, Dtype.Bf16, ZeroStage.Parameters, cfg.ZeroGpus);
        ctx.Report.Headline($"ZeRO-3, {F(cfg.ZeroParameters / 1e9, "0.#")}B params on {cfg.ZeroGpus} GPUs", ByteSize.Format(z3.TotalBytes) + " of model states per GPU");
    }

    static void KnownFigures(LabContext ctx)
    {
        ctx.Report.Heading("Published figures the estimator reproduces");
        var llama = ModelPresets.Get("llama-2-7b");
        double kv = MemoryEstimator.KvCacheBytesPerToken(llama, Dtype.Fp16);
        long kv2k = MemoryEstimator.KvCacheBytes(llama, Dtype.Fp16, 2048, 1);
        ctx.Checks.Published("Llama-2-7B config.json: 32 layers, 32 KV heads of 128")
            .Equal("Llama-2-7B KV cache per token, fp16 (2·32·32·128·2)", (long)kv, 524_288, "B");
        ctx.Checks.Published("Llama-2-7B config.json: 32 layers, 32 KV heads of 128")
            .Equal("Llama-2-7B KV cache at 2,048 tokens, batch 1 (1.07 GB)", kv2k, 1_073_741_824, "B");
        long w = MemoryEstimator.WeightBytes(llama, Dtype.Fp16);
        ctx.Checks.Published("Llama-2-7B model card: 6,738,415,616 parameters")
            .Equal("Llama-2-7B fp16 weights (6,738,415,616 params × 2 B = 13.48 GB)", w, 13_476_831_232, "B");
        foreach (var (name, total) in new[] { ("gpt2", 124_439_808L), ("llama-2-7b", 6_738_415_616L), ("llama-3-8b", 8_030_261_248L),
                     ("mistral-7b", 7_241_732_096L), ("mixtral-8x7b", 46_702_792_704L), ("llama-2-70b", 68_976_648_192L) })
            ctx.Checks.Published("the models' published parameter totals (safetensors metadata)")
                .Equal($"{name} parameter count from its config = published total", ModelPresets.Get(name).ParameterCount, total);

        // HF accelerate prints GiB labelled "GB" and sizes every module tensor (buffers included); we count parameters.
        var mistral = ModelPresets.Get("mistral-7b");
        long fp16 = MemoryEstimator.WeightBytes(mistral, Dtype.Fp16);
        long adam = MemoryEstimator.AccelerateAdamConvention(mistral, Dtype.Fp16);
        ctx.Checks.Peer("HF accelerate estimate-memory, zephyr-7b-beta")
            .Close("zephyr-7b fp16 vs accelerate's 13.74 (GiB); ours counts parameters only", ByteSize.Gib(fp16), 13.74, 0.02, unit: "GiB");
        ctx.Checks.Peer("HF accelerate estimate-memory, zephyr-7b-beta")
            .Close("zephyr-7b Adam, 4× convention vs accelerate's 54.98 (GiB)", ByteSize.Gib(adam), 54.98, 0.02, unit: "GiB");
        ctx.Report.Table(["figure", "source", "ours"],
        [
            ["Llama-2-7B KV cache, fp16", "524,288 B/token; 1.07 GB at 2,048 tokens", $"{N(kv)} B/token; {ByteSize.FormatGb(kv2k)}"],
            ["Llama-2-7B fp16 weights", "13.48 GB", ByteSize.Format(w)],
            ["zephyr-7b (Mistral-7B) fp16, accelerate", "13.74 \"GB\" (= GiB)", ByteSize.Format(fp16)],
            ["zephyr-7b training with Adam, accelerate", "54.98 \"GB\" (= GiB)", ByteSize.Format(adam) + " (4× convention)"],
            ["zephyr-7b mixed-precision Adam, full sum", "16 B/param (ZeRO paper)", ByteSize.Format(MemoryEstimator.ModelStatesPerGpu(mistral.ParameterCount, Dtype.Bf16, ZeroStage.None, 1).TotalBytes)],
        ], "the accelerate gap (1.8%): its figure sizes every tensor of the module built on the meta device, buffers included, ours the parameters only");
        ctx.Report.Headline("Llama-2-7B KV cache", $"{N(kv)} B/token in fp16 ({ByteSize.FormatGb(kv2k)} at 2,048 tokens)");
        ctx.Report.Headline("Llama-2-7B fp16 weights", ByteSize.Format(w));
    }

    void Measure(LabContext ctx, ResourceEstimationConfig cfg)
    {
        ctx.Report.Heading("Predicted vs measured: one AdamW step in TorchSharp");
        ctx.Report.Paragraph("Two small models are built from their ModelSpec as the GptModel the labs train (ModelSpecGpt), " +
            "run one forward/backward on random tokens and one step of the trainer's AdamW in fp32 on the CPU. Measured bytes are Σ numel · element_size " +
            "over the parameters, their .grad tensors, and every tensor the optimizer holds (its two moments per parameter). " +
            "Predicted bytes come from MemoryEstimator.Training on the same ModelSpec (fp32: 4 + 4 + 8 bytes per parameter).");
        var specs = new[]
        {
            SmallModelSpecs.GptStyle(cfg.ProbeLayers, cfg.ProbeWidth, cfg.ProbeHeads, cfg.ProbeVocab, cfg.ProbeContext),
            SmallModelSpecs.LlamaStyle(cfg.ProbeLayers, cfg.ProbeWidth, cfg.ProbeHeads, cfg.ProbeKvHeads, cfg.ProbeExperts, cfg.ProbeVocab, cfg.ProbeContext),
        };
        var rows = new List<string[]>();
        double worst = 0;
        foreach (var spec in specs)
        {
            var predicted = MemoryEstimator.Training(spec, new TrainingMemoryOptions(Dtype.Fp32, cfg.ProbeBatch, cfg.ProbeContext, OverheadBytes: 0));
            var measured = TrainingMemoryProbe.MeasureAdamWStep(spec, cfg.ProbeContext, cfg.ProbeBatch, ctx.Seed);
            ctx.Checks.BruteForce("Σ numel over the built GptModel's tensors")
                .Equal($"{spec.Name}: parameters counted by the planner's formula = numel of the GptModel built from the spec", measured.Parameters, spec.ParameterCount);
            ctx.Checks.Formula("ZeRO paper §3: fp32 parameters, 4 B each")
                .Close($"{spec.Name}: parameter bytes predicted vs measured", measured.ParameterBytes, predicted.WeightBytes, 0.01, unit: "B");
            ctx.Checks.Formula("ZeRO paper §3: fp32 gradients, 4 B per parameter")
                .Close($"{spec.Name}: gradient bytes predicted vs measured", measured.GradientBytes, predicted.GradientBytes, 0.01, unit: "B");
            ctx.Checks.Formula("ZeRO paper §3: Adam's two fp32 moments, 8 B per parameter")
                .Close($"{spec.Name}: Adam state bytes predicted vs measured", measured.AdamStateBytes,
                predicted.OptimizerStateBytes + predicted.MasterWeightBytes, 0.01, unit: "B");
            ctx.Checks.Formula("uniform prediction at initialisation: ln V")
                .InRange($"{spec.Name}: initial loss ≈ ln V (the step was real)", measured.Loss, Math.Log(cfg.ProbeVocab) - 1, Math.Log(cfg.ProbeVocab) + 1);
            worst = new[] { Rel(measured.ParameterBytes, predicted.WeightBytes), Rel(measured.GradientBytes, predicted.GradientBytes),
                Rel(measured.AdamStateBytes, predicted.OptimizerStateBytes + predicted.MasterWeightBytes), worst }.Max();
            rows.Add([spec.Name, N(measured.Parameters), $"{N(predicted.WeightBytes)} / {N(measured.ParameterBytes)}",
                $"{N(predicted.GradientBytes)} / {N(measured.GradientBytes)}", $"{N(predicted.OptimizerStateBytes)} / {N(measured.AdamStateBytes)}"]);
            ctx.Metrics.Log(new { mode = "probe", model = spec.Name, parameters = measured.Parameters, predicted_params = predicted.WeightBytes,
                measured_params = measured.ParameterBytes, predicted_grads = predicted.GradientBytes, measured_grads = measured.GradientBytes,
                predicted_adam = predicted.OptimizerStateBytes, measured_adam = measured.AdamStateBytes, loss = measured.Loss });
        }
        ctx.Report.Table(["model", "parameters", "parameter bytes (predicted / measured)", "gradient bytes", "Adam state bytes"], rows,
            $"one fp32 AdamW step, batch {cfg.ProbeBatch} × {cfg.ProbeContext} tokens");
        ctx.Report.Headline("Predicted vs measured training state (2 TorchSharp models)",
            $"largest gap {F(worst * 100, "0.###")}% over parameters, gradients and Adam moments");
    }
}
