using LlmLab.Agents.Prompts;
using LlmLab.Alignment;
using LlmLab.Inference;
using LlmLab.Labs.Framework;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Tokenization;
using LlmLab.Training;

namespace LlmLab.Labs.Part01;

public sealed partial class PromptLab
{
    /// <summary>Section 2: the local model, asked with the four variants; pass rates reported.</summary>
    static void LocalModel(LabContext ctx, PromptLabConfig cfg, SyntheticDataset data)
    {
        ctx.Report.Heading("2. The local model, four ways of asking");
        TorchRuntime.EnsureLoaded(ctx.Threads);
        var (checkpoint, origin) = FindOrTrain(ctx, cfg, data);
        string where = Path.GetRelativePath(ctx.Directory, checkpoint);
        ctx.Report.Paragraph($"Model: {origin} (`{where}`), through `LocalChatClient` with the chat template its checkpoint " +
            $"records, greedy, at most {cfg.MaxNewTokens} new tokens. Variants: **zero-shot** (the question, and the family's " +
            "system message if any), **few-shot** (one solved example of the same family from the training split first), " +
            "**format** (the family's output-format instruction appended), **step-by-step** (\"" + PromptVariant.ReasoningInstruction +
            "\"; the last line is judged). Every reply is graded by the family's checker (lab 7.1) against the reference answer.");
        var tests = TaskPromptSuite.Tests(data.Test, data.Train, (_, family) => [TaskPromptSuite.TaskAssertion(family)]);
        var suite = new PromptSuite("lab 1.2 local suite", null, TaskPromptSuite.Variants, tests, [], new PromptOptions(0,
            cfg.MaxNewTokens, ctx.Seed));
        PromptEvalResult result;
        using (var provider = PromptProvider.Open(new ProviderSpec("local", "local", checkpoint, null, [])))
        using (var bar = ctx.Progress.Begin("1.2 local model", suite.Variants.Count * tests.Count))
            result = PromptEvaluator.Run(suite, [KeyValuePair.Create(provider.Id, provider.Client)], _ => bar.Increment());
        AtomicFile.WriteAllText(Path.Combine(ctx.Directory, "local.json"), PromptEvalReport.Json(result).ToJsonString());
        foreach (var c in result.Cells.Take(2 * tests.Count))
            ctx.Metrics.Log(new { section = "local", variant = c.Variant, test = c.Test, reply = c.Reply, passed = c.Passed,
                latency_ms = c.LatencyMs });
        Report(ctx, result);
    }

    static void Report(LabContext ctx, PromptEvalResult r)
    {
        var families = TaskFamilies.All.Select(f => f.Name).ToArray();
        var variants = r.Suite.Variants.Select(v => v.Id).ToArray();
        bool Of(string test, string family) => test.StartsWith(family + "-", StringComparison.Ordinal);
        ctx.Report.Table(["variant", .. families, "all", "mean ms", "mean tokens", "errors"], variants.Select(v =>
        {
            var cells = r.Cells.Where(c => c.Variant == v).ToList();
            return new[] { v }.Concat(families.Select(f => Pct(r.PassRate("local", v, t => Of(t, f))))).Append(Pct(r.PassRate("local", v)))
                .Append(F(cells.Average(c => c.LatencyMs), "0.#")).Append(F(cells.Average(c => (double)((c.InputTokens
                    ?? 0) + (c.OutputTokens ?? 0))), "0.#"))
                .Append(cells.Count(c => c.Error is not null).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        }), "Pass rate (the family's checker) per variant and family; errors are calls that failed (a prompt longer than the context)");
        var best = variants.MaxBy(v => r.PassRate("local", v))!;
        ctx.Report.Headline("local model, best variant", $"{best}: {Pct(r.PassRate("local", best))}");
        ctx.Plot("pass-rates", PromptLabPlots.PassRates(r, families, variants, Of),
            "Pass rate of the local model per task family, one bar per variant");
        foreach (var v in variants)
            ctx.Metrics.Log(new { section = "local", variant = v, pass_rate = r.PassRate("local", v) });
        if (r.Cells.FirstOrDefault(c => c.Error is not null) is { } e)
            ctx.Report.Paragraph($"First failed call: {e.Variant} × {e.Test}: {e.Error}");
        ctx.Report.Paragraph("Reported, not asserted: which variant helps depends on what the small model learned. A model " +
            "fine-tuned on the bare question (lab 7.1's format) often does best zero-shot; the few-shot and format variants change " +
            "the prompt away from what it was trained on, and the step-by-step request asks for reasoning it never saw.");
    }

    /// <summary>The checkpoint to ask: the given one, the newest lab 7.1 fine-tune under the runs directory, or one
    /// trained here (a base pretrained on the run's corpus, then lab 7.1's SftRunner on the families' training split).</summary>
    static (string Checkpoint, string Origin) FindOrTrain(LabContext ctx, PromptLabConfig cfg, SyntheticDataset data)
    {
        if (cfg.Model is not ("auto" or "train")) return (Path.GetFullPath(cfg.Model), "the checkpoint given with --set model");
        if (cfg.Model == "auto" && PriorSft(ctx) is { } prior)
            return (prior, $"the fine-tuned model a lab 7.1 run left (`{prior}`)");
        string baseDir = Path.Combine(ctx.Directory, "base"), sftDir = Path.Combine(ctx.Directory, "sft");
        var pretraining = new PretrainingData(Tokenizer: "bpe", VocabSize: cfg.BpeVocab, TrainBytes: cfg.CorpusBytes,
            ValidationBytes: cfg.ValidationBytes);
        var text = PretrainingText.Load(pretraining, ctx.Corpus);
        var config = new PretrainingConfig
        {
            Model = new GptConfig { VocabSize = text.Tokenizer.VocabSize, Context = cfg.Context, Width = cfg.Width, Layers = cfg.Layers,
                Heads = cfg.Heads },
            Data = pretraining,
            // Lab 7.1's base recipe (its LabGptTrainer): AdamW at 3e-3, clip 1.
            Trainer = new TrainerOptions(cfg.BaseSteps, cfg.Batch, cfg.Context, 3e-3, EvalEvery: cfg.BaseSteps, EvalBatches: 2,
                LogEvery: 1_000_000),
            Seed = Seeding.DeriveSeed(ctx.Seed, "prompt-lab-base"), CheckpointEvery = cfg.BaseSteps, KeepLast = 1,
        };
        using (var bar = ctx.Progress.Begin("1.2 base model", cfg.BaseSteps))
        using (GptPretraining.Train(config, text, baseDir, onStep: _ => bar.Increment())) { }
        // Conversations longer than the context are dropped here, as lab 7.1 does (SftRunner refuses them).
        var chat = Part07.ChatRecipe.ChatTokenizer(text.Tokenizer);
        var train = data.Train.Where(x => Part07.ChatRecipe.Fits(x, chat, cfg.Context)).ToList();
        string trainPath = Path.Combine(ctx.Directory, "sft-train.jsonl");
        ChatJsonl.Write(trainPath, train);
        SftRunner.Run(baseDir, trainPath, sftDir, new SftOptions(cfg.SftSteps, cfg.Batch, 2e-3, Seed: (int)Seeding.DeriveSeed(ctx.Seed,
            "prompt-lab-sft")));
        string why = cfg.Model == "train" ? "--set model=train" : "no lab 7.1 run under the runs directory left a fine-tuned checkpoint";
        return (sftDir, $"a {cfg.Layers} × {cfg.Width} GPT trained here ({why}): {cfg.BaseSteps} pretraining steps on " +
            $"`{ctx.Corpus.Name}`, then " +
                        $"{cfg.SftSteps} steps of lab 7.1's `SftRunner` on {train.Count} of its training conversations");
    }

    /// <summary>The newest checkpoint with an SFT record (<c>config.sft</c>, as <c>SftRunner</c> writes) inside a lab 7.1
    /// folder of an earlier run (runs/&lt;stamp&gt;/7.1-…/), or null.</summary>
    static string? PriorSft(LabContext ctx)
    {
        string here = Path.GetFullPath(ctx.Directory);
        string? runsRoot = Path.GetDirectoryName(Path.GetDirectoryName(here));
        if (runsRoot is null || !Directory.Exists(runsRoot)) return null;
        string slug = LabCatalog.Get("7.1").Slug;
        foreach (string run in Directory.EnumerateDirectories(runsRoot).OrderByDescending(d => Path.GetFileName(d), StringComparer.Ordinal))
        {
            string lab = Path.Combine(run, slug);
            if (!Directory.Exists(lab) || here.StartsWith(run + Path.DirectorySeparatorChar, StringComparison.Ordinal)) continue;
            foreach (string dir in Directory.EnumerateDirectories(lab, "*", SearchOption.AllDirectories).Prepend(lab))
                if (Checkpoint.List(dir).Count > 0 && Checkpoint.Resolve(dir).Json["config"]?["sft"] is not null) return dir;
        }
        return null;
    }

    static string Pct(double x) => double.IsNaN(x) ? "—" : F(100 * x, "0") + " %";
}
