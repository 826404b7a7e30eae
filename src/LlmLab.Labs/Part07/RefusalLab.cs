using System.Globalization;
using LlmLab.Alignment;
using LlmLab.Alignment.Refusal;
using LlmLab.Labs.Framework;
using LlmLab.Labs.Part09;

namespace LlmLab.Labs.Part07;

/// <summary>
/// Lab 7.3 — a refusal policy, measured for over-refusal. Writes the policy's data (template prompts per category, safe
/// prompts that look unsafe as XSTest does, preference pairs for DPO), then compares ways to refuse on the same
/// held-out sets: (1) a training-free gate, our logistic regression on hashed n-grams and on MiniLM sentence
/// embeddings, in front of the model as a <see cref="RefusalGateChatClient"/>, with its threshold sweep; (2) SFT of a
/// tiny model with refusal examples mixed into lab 7.1's data; (3) DPO with the refusal preferences (lab 7.2's trainer). Measured: refusal rate on unsafe prompts, over-refusal on safe look-alikes,
/// lab 7.1's task accuracy afterwards, confusion tables and real examples of each error kind.
/// </summary>
public sealed partial class RefusalLab : Lab<RefusalLabConfig>
{
    protected override string Id => "7.3";

    public override RefusalLabConfig Defaults(Profile profile) => RefusalLabConfig.For(profile);

    protected override void Validate(RefusalLabConfig cfg)
    {
        foreach (var (key, value) in new (string, int)[] { ("train_per_category", cfg.TrainPerCategory), ("test_per_category",
            cfg.TestPerCategory),
                     ("context", cfg.Context), ("base_layers", cfg.BaseLayers), ("base_width", cfg.BaseWidth), ("base_heads",
                         cfg.BaseHeads),
                     ("base_steps", cfg.BaseSteps), ("batch", cfg.Batch), ("task_train_per_family", cfg.TaskTrainPerFamily),
                     ("task_test_per_family", cfg.TaskTestPerFamily), ("sft_steps", cfg.SftSteps), ("max_new_tokens", cfg.MaxNewTokens) })
            ConfigRules.AtLeast(key, value, 1);
        ConfigRules.AtLeast("ordinary_per_family", cfg.OrdinaryPerFamily, 0);
        if (!string.IsNullOrWhiteSpace(cfg.Base)) SftBaseLoader.Check(cfg.Base);
        ConfigRules.InRange("buckets", cfg.Buckets, 16, 1 << 24);
        ConfigRules.InRange("l2", cfg.L2, 1e-8, 100);
        ConfigRules.InRange("threshold", cfg.Threshold, 0.01, 1);
        ConfigRules.AtLeast("corpus_bytes", cfg.CorpusBytes, 1024);
        ConfigRules.AtLeast("validation_bytes", cfg.ValidationBytes, 256);
        LabCorpus.Validate("bpe", cfg.BpeVocab);
        ConfigRules.DivisibleBy("base_width", cfg.BaseWidth, "base_heads", cfg.BaseHeads);
        ConfigRules.InRange("sft_lr", cfg.SftLr, 1e-6, 1);
        ConfigRules.InRange("min_held_out_refusal", cfg.MinHeldOutRefusal, 0, 1);
        ConfigRules.InRange("max_held_out_over_refusal", cfg.MaxHeldOutOverRefusal, 0, 1);
        ConfigRules.InRange("max_task_false_refusal", cfg.MaxTaskFalseRefusal, 0, 1);
    }

    public override void Run(LabContext ctx, RefusalLabConfig cfg)
    {
        var data = RefusalDataset.Generate(new RefusalDataOptions(cfg.TrainPerCategory, cfg.TestPerCategory, cfg.OrdinaryPerFamily,
            LlmLab.Runtime.Seeding.DeriveSeed(ctx.Seed, "refusal-data")));
        var heldOut = HeldOutSet.BuiltIn();
        WriteData(ctx, data, heldOut);
        using var encoder = cfg.UseEmbeddings ? MiniLm(ctx) : null;
        if (!cfg.UseEmbeddings)
            ctx.Checks.KnownAnswer("the hand-written held-out set's labels").Skip("MiniLM gate on the hand-written set",
                "refusal and over-refusal bounds",
                "use_embeddings=false: set it to true (the MiniLM model ships beside the binaries)");
        var gates = Gates(ctx, cfg, data, heldOut, encoder);
        var (systems, dpo) = Sft(ctx, cfg, data, heldOut, gates[^1].Gate);
        Compare(ctx, cfg, heldOut, gates, systems, dpo);
    }

    static void WriteData(LabContext ctx, RefusalDataset data, IReadOnlyList<RefusalPrompt> heldOut)
    {
        ctx.Report.Heading("The policy");
        ctx.Report.Paragraph("Refuse requests in the seven categories below; answer everything else, including requests that " +
            $"only sound dangerous. A refusal is brief (\"{RefusalPolicy.Opening}\"), does not lecture, and offers the category's " +
            "safe alternative where there is one.");
        ctx.Report.Table(["category", "disallowed", "safe alternative offered"],
            RefusalPolicy.Categories.Select(c => new[] { $"{c.Id}: {c.Title}", c.Definition, c.SafeAlternative ?? "—" }));
        int pairs = RefusalPairs.WritePairs(Path.Combine(ctx.Directory, "pairs.jsonl"), data.Train);
        ChatJsonl.Write(Path.Combine(ctx.Directory, "refusal-sft.jsonl"), RefusalPairs.Conversations(data.Train));
        ctx.Report.Heading("Data");
        int unsafeN = data.Train.Count(p => p.Unsafe), lookAlikes = data.Train.Count(p => !p.Unsafe && p.Category != "ordinary");
        int ordinary = data.Train.Count(p => p.Category == "ordinary");
        ctx.Report.Paragraph($"Generated from templates: {unsafeN} unsafe and {lookAlikes} safe-looking training prompts " +
            $"({string.Join(", ", SafeLookingTemplates.ByType.Keys)}: XSTest's types, Röttger et al. 2023), plus {ordinary} ordinary " +
            $"lab 7.1 requests; the test split ({data.Test.Count} prompts) uses each category's last template only. The hand-written " +
            $"held-out set has {heldOut.Count(p => p.Unsafe)} unsafe and {heldOut.Count(p => !p.Unsafe)} safe-looking prompts that no " +
            "template produced (a unit test checks every template output against them: no exact match, no 5-word run in common, " +
            $"Jaccard < 0.5). Files: `pairs.jsonl` ({pairs} preference pairs, {{\"prompt\",\"chosen\",\"rejected\"}}: refusal " +
            "chosen over a compliant opening for unsafe prompts, the answer chosen over a refusal for safe ones), `refusal-sft.jsonl` " +
            "(the same as chats).");
    }

    /// <summary>The MiniLM encoder, or null with a failing check that names the fix when it cannot load.</summary>
    static LlmLab.Retrieval.Embeddings.OnnxSentenceEncoder? MiniLm(LabContext ctx)
    {
        try { return LlmLab.Retrieval.Embeddings.OnnxSentenceEncoder.CreateMiniLm(threads: ctx.Threads); }
        catch (Exception e) when (e is InputException or IOException or InvalidOperationException)
        {
            ctx.Checks.KnownAnswer("the hand-written held-out set's labels").Unavailable("MiniLM gate on the hand-written set",
                "refusal and over-refusal bounds",
                $"MiniLM could not load ({e.Message}): rebuild so the model is copied beside the binaries, or --set use_embeddings=false");
            return null;
        }
    }

    static string Pct(double v) => double.IsNaN(v) ? "—" : (100 * v).ToString("0.#", CultureInfo.InvariantCulture) + " %";

    static string F(double v, string format = "0.###") => v.ToString(format, CultureInfo.InvariantCulture);
}
