using LlmLab.Nn.Gpt;
using System.Globalization;
using LlmLab.Labs.Framework;
using LlmLab.Runtime;
using LlmLab.Tokenization;
using LlmLab.Training;

namespace LlmLab.Labs.Part04;

/// <summary>
/// Lab 4.2 — dense vs Mixture-of-Experts. Trains the library's GPT three times on the same BPE tokens, the same seeded
/// batches and the same number of steps: dense, with a Mixture-of-Experts feed-forward layer of the same active
/// parameters per token (<see cref="LlmLab.Nn.Moe.MoeFeedForward"/>: E experts of width ffn/k, top-k), and the same MoE
/// without the load-balancing loss. Reports validation loss at equal steps, latency per token at batch 1 and a larger
/// batch, throughput, total vs active parameters, parameter and peak activation memory, dropped tokens and the expert
/// load over training; checks the parameter formulas, the equal active parameters, that the balance loss balances, and
/// that the routing is deterministic given the seed. No check depends on a timing.
/// </summary>
public sealed partial class DenseVsMoeLab : Lab<DenseVsMoeConfig>
{
    protected override string Id => "4.2";

    public override DenseVsMoeConfig Defaults(Profile profile) => DenseVsMoeConfig.For(profile);

    protected override void Validate(DenseVsMoeConfig cfg)
    {
        ConfigRules.AtLeast("corpus_bytes", cfg.CorpusBytes, 1024);
        ConfigRules.AtLeast("validation_bytes", cfg.ValidationBytes, 256);
        ConfigRules.InRange("bpe_vocab", cfg.BpeVocab, 257, 1_000_000);
        foreach (var (key, value) in new (string, int)[] { ("context", cfg.Context), ("batch", cfg.Batch), ("layers", cfg.Layers),
                     ("heads", cfg.Heads),
                     ("width", cfg.Width), ("ffn_width", cfg.FfnWidth), ("eval_every", cfg.EvalEvery), ("eval_batches", cfg.EvalBatches),
                     ("latency_batch", cfg.LatencyBatch), ("latency_repeats", cfg.LatencyRepeats), ("load_window", cfg.LoadWindow) })
            ConfigRules.AtLeast(key, value, 1);
        ConfigRules.DivisibleBy("width", cfg.Width, "heads", cfg.Heads);
        // The MoE needs at least two experts to route between (the balance check compares their loads).
        ConfigRules.AtLeast("experts", cfg.Experts, 2);
        ConfigRules.InRange("experts_per_token", cfg.ExpertsPerToken, 1, cfg.Experts);
        ConfigRules.DivisibleBy("ffn_width", cfg.FfnWidth, "experts_per_token", cfg.ExpertsPerToken);
        ConfigRules.InRange("aux_loss_coef", cfg.AuxLossCoef, 1e-6, 10);
        ConfigRules.InRange("z_loss_coef", cfg.ZLossCoef, 0, 10);
        ConfigRules.InRange("capacity_factor", cfg.CapacityFactor, 0, 100);
        ConfigRules.InRange("lr", cfg.Lr, 1e-6, 1);
        ConfigRules.AtLeast("steps", cfg.Steps, 2); // the balance is measured over the second half
    }

    protected override void Plan(LabPlan plan, DenseVsMoeConfig cfg)
    {
        plan.CorpusBytes("corpus_bytes", cfg.CorpusBytes);
        plan.CorpusBytes("validation_bytes", cfg.ValidationBytes, validation: true);
    }

    public override void Run(LabContext ctx, DenseVsMoeConfig cfg)
    {
        TorchRuntime.EnsureLoaded(ctx.Threads);
        string trainText = CorpusText.Load(ctx.Corpus, cfg.CorpusBytes);
        string validationText = CorpusText.Load(ctx.Corpus, cfg.ValidationBytes, validation: true);
        var bpe = BpeTokenizer.Train([trainText], new BpeTrainingOptions(cfg.BpeVocab, Name: "lab-4.2"));
        var text = PretrainingText.Encode(bpe, trainText, validationText);
        int[] train = text.Train, validation = text.Validation;
        var (dense, moe, moeNoAux) = Shapes(cfg, bpe.VocabSize);
        Introduce(ctx, cfg, dense, moe, train.Length);

        var runs = new List<ModelRun>
        {
            TrainAndMeasure(ctx, cfg, "dense", dense, train, validation),
            TrainAndMeasure(ctx, cfg, "MoE", moe, train, validation),
            TrainAndMeasure(ctx, cfg, "MoE, no aux loss", moeNoAux, train, validation),
        };
        Check(ctx, cfg, runs, bpe.VocabSize);
        var (same, measured) = RoutingIsDeterministic(ctx, moe, validation, cfg.Context);
        ctx.Checks.SelfConsistency("a second model built from the same seed")
            .True("the routing is deterministic: two MoE models built from one seed route a batch identically", same, measured);
        Summarise(ctx, cfg, runs);
    }

    void Check(LabContext ctx, DenseVsMoeConfig cfg, IReadOnlyList<ModelRun> runs, int vocab)
    {
        var (dense, moe, noAux) = (runs[0], runs[1], runs[2]);
        foreach (var r in runs.Take(2))
            ctx.Checks.BruteForce("Σ numel of the built model's tensors")
                .Equal($"{r.Name}: parameters by formula (GptSizing) = the built model's", LlmLab.Nn.Gpt.GptSizing.ParameterCount(r.Config),
                    r.Parameters);
        // Equal active parameters by construction: k experts of width ffn/k hold the dense MLP's matrices; the router (d·E per
        // layer) and the k − 1 extra output biases are the difference.
        foreach (var r in runs)
        {
            // GPT-2's initialisation: logits ≈ 0, so the first loss is ln V.
            ctx.Checks.Formula("uniform prediction at initialisation: ln V")
                .Close($"{r.Name}: initial validation loss ≈ ln V = ln {vocab}", r.InitialLoss, Math.Log(vocab), 0.05, unit: "nats");
            ctx.Checks.Formula("uniform prediction: ln V")
                .AtMost($"{r.Name}: final validation loss ≤ 0.85 × ln V (it learned)", r.FinalLoss, 0.85 * Math.Log(vocab), "nats");
        }
        int half = cfg.Steps / 2 + 1;
        double cvAux = moe.Load!.CoefficientOfVariation(half), cvNone = noAux.Load!.CoefficientOfVariation(half);
        ctx.Checks.Published("Fedus et al. 2021 §2.2: the auxiliary loss encourages a uniform load")
            .True($"load balance: the coefficient of variation of expert load (steps {half}–{cfg.Steps}) is lower with the balance loss " +
                $"(α = {F(cfg.AuxLossCoef)}) than without",
            cvAux < cvNone, $"CV {F(cvAux, "0.000")} with vs {F(cvNone, "0.000")} without");
    }

    static string F(double v, string format = "0.####") => v.ToString(format, CultureInfo.InvariantCulture);
    static string N(double v) => v.ToString("N0", CultureInfo.InvariantCulture);
}
