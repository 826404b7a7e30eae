using System.Diagnostics;
using LlmLab.Alignment;
using LlmLab.Alignment.Refusal;
using LlmLab.Inference;
using LlmLab.Labs.Framework;
using LlmLab.Labs.Part09;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Tokenization;
using LlmLab.Training;
using Microsoft.Extensions.AI;

namespace LlmLab.Labs.Part07;

public sealed partial class RefusalLab
{
    /// <summary>One system (a model, or a gate in front of one) measured on the hand-written set and lab 7.1's tasks.</summary>
    internal sealed record SystemRun(string Name, IReadOnlyList<RefusalEvaluator.Reply> HeldOut, IReadOnlyList<FamilyScore> Tasks,
        int TaskRefused,
        double Seconds)
    {
        public RefusalConfusion Confusion => RefusalEvaluator.Confusion(HeldOut);
        public double TaskAccuracy => SftEvaluator.Overall(Tasks);
    }

    /// <summary>Method 2 (SFT with refusal examples mixed into lab 7.1's data) against SFT without them, the gate in front
    /// of the latter (method 1 as deployed), and method 3: DPO from that SFT model on the refusal preferences (with as
    /// many of lab 7.1's task preferences, so helpfulness is pulled on too), through lab 7.2's trainer.</summary>
    static (List<SystemRun> Systems, TrainingResult Dpo) Sft(LabContext ctx, RefusalLabConfig cfg, RefusalDataset data,
        IReadOnlyList<RefusalPrompt> heldOut,
        RefusalGate gate)
    {
        using var recipe = ChatRecipe.Start(ctx, cfg.Base, cfg.CorpusBytes, cfg.ValidationBytes, cfg.BpeVocab,
            new LabGptPlan("base", cfg.BaseLayers, cfg.BaseWidth, cfg.BaseHeads, cfg.BaseSteps, cfg.BaseLr), cfg.Context, cfg.Batch,
                evalBatches: 4);
        cfg = cfg with { Context = recipe.Context };
        var (chat, grown) = (recipe.Chat, recipe.Grown);
        var tasks = SyntheticDataset.Generate(TaskFamilies.All,
            new SyntheticDataOptions(cfg.TaskTrainPerFamily, cfg.TaskTestPerFamily, 2, cfg.Difficulty, Seeding.DeriveSeed(ctx.Seed,
                "sft-data")));
        var refusals = RefusalPairs.Conversations(data.Train);
        ChatEncoding[] Encode(IEnumerable<SyntheticExample> xs) => recipe.Encode(xs, cfg.Context);
        var taskOnly = Encode(tasks.Train);
        var mixed = taskOnly.Concat(Encode(refusals)).ToArray();
        ctx.Report.Heading("Method 2: SFT with refusal examples mixed into lab 7.1's data");
        int added = mixed.Length - taskOnly.Length;
        ctx.Report.Paragraph($"The base ({recipe.Description}; lab 7.1's recipe) fine-tuned {cfg.SftSteps} steps on lab 7.1's " +
            $"{taskOnly.Length} task conversations alone, and on those " +
            $"plus {added} refusal conversations (unsafe → the policy's refusal, safe look-alike → a short answer: " +
            $"{100.0 * added / mixed.Length:0}% of the mix). Bianchi et al. 2024 (\"Safety-Tuned LLaMAs\") found a few " +
            "hundred such examples (3 % of the data) enough for a 7B model, and more of them raised over-refusal; a " +
            "0.3M-parameter model learns the refusal's wording, not the policy, so its behaviour here is reported, not asserted.");
        var systems = new List<SystemRun>();
        TrainingResult dpo;
        using (var plain = FineTune(ctx, cfg, grown, taskOnly, "SFT (7.1 data)"))
        {
            using var client = Client(plain, chat, cfg);
            systems.Add(Measure(ctx, "SFT (7.1 data), no gate", client, heldOut, tasks.Test));
            using var gated = new RefusalGateChatClient(client, gate);
            systems.Add(Measure(ctx, "SFT (7.1 data) behind the gate", gated, heldOut, tasks.Test));
            using var policy = LabGptTrainer.Copy(plain);
            dpo = Dpo(ctx, cfg, policy, plain, chat, data, tasks);
            using var dpoClient = Client(policy, chat, cfg);
            systems.Add(Measure(ctx, DpoName, dpoClient, heldOut, tasks.Test));
        }
        using (var withRefusals = FineTune(ctx, cfg, grown, mixed, "SFT + refusals"))
        {
            using var client = Client(withRefusals, chat, cfg);
            systems.Add(Measure(ctx, "SFT with refusal examples", client, heldOut, tasks.Test));
        }
        return (systems, dpo);
    }

    internal const string DpoName = "DPO with refusal preferences";

    /// <summary>Method 3: DPO (sigmoid loss, β = 0.1) of <paramref name="policy"/> against the frozen SFT model on the
    /// refusal pairs (unsafe → refusal over a compliant opening; safe look-alike → the answer over a refusal) and as many
    /// task pairs (a checker-accepted reply over a corrupted one), shuffled.</summary>
    static TrainingResult Dpo(LabContext ctx, RefusalLabConfig cfg, GptModel policy, GptModel reference, BpeTokenizer chat,
        RefusalDataset data, SyntheticDataset tasks)
    {
        var refusal = RefusalPairs.Pairs(data.Train)
            .Select(p => new PreferencePair([new ChatMessage(ChatRole.User, p.Prompt)], p.Chosen, p.Rejected, Source: "refusal"))
            .ToList();
        var task = PreferencePairs.Synthetic(tasks.Train, seed: (int)(Seeding.DeriveSeed(ctx.Seed, "dpo-task-pairs") & 0x7FFFFFFF))
            .Take(refusal.Count);
        var rng = ctx.Rng("dpo-pairs");
        var pairs = refusal.Concat(task).Where(p => Fits(p, chat, cfg.Context)).OrderBy(_ => rng.Next()).ToList();
        ctx.Report.Paragraph($"Method 3: DPO from the SFT model (the frozen reference) on {pairs.Count(p => p.Source == "refusal")} " +
            $"refusal pairs and {pairs.Count(p => p.Source != "refusal")} lab 7.1 task pairs, {cfg.DpoSteps} steps of 8 pairs, " +
            $"β = 0.1, rate {F(cfg.DpoLr, "0e+00")} (lab 7.2's recipe).");
        using var bar = ctx.Progress.Begin("7.3 DPO", cfg.DpoSteps);
        var options = new DpoOptions(cfg.DpoSteps, 8, cfg.DpoLr, 0.1, DpoLossKind.Sigmoid, (int)(Seeding.DeriveSeed(ctx.Seed,
            "dpo") & 0x7FFFFFFF));
        var result = DpoTrainer.Train(policy, chat, pairs, options, reference, onStep: m =>
        {
            bar.Increment();
            ctx.Metrics.Log(new { variant = DpoName, step = m.Step, loss = m.Loss, values = m.Values });
        });
        policy.eval();
        return result;
    }

    static bool Fits(PreferencePair p, BpeTokenizer chat, int context)
    {
        int Length(string reply) => ChatTemplate.Chat.Encode([.. p.Prompt, new ChatMessage(ChatRole.Assistant, reply)], chat,
            addGenerationPrompt: false).Ids.Length;
        return Math.Max(Length(p.Chosen), Length(p.Rejected)) <= context + 1;
    }

    static GptModel FineTune(LabContext ctx, RefusalLabConfig cfg, GptModel grown, IReadOnlyList<ChatEncoding> train, string name)
    {
        var model = LabGptTrainer.Copy(grown);
        var result = ChatRecipe.FineTune(ctx, model, SftLoss.For(model), train, cfg.SftSteps, cfg.Batch, cfg.Context, cfg.SftLr, $"7.3 {name}");
        ctx.Metrics.Log(new { variant = name, first_loss = result.Steps[0].Loss, last_loss = result.Steps[^1].Loss });
        return model;
    }

    static IChatClient Client(GptModel model, BpeTokenizer chat, RefusalLabConfig cfg) =>
        new LocalChatClient(new GenerationEngine(model, chat, PromptOverflow.TruncateLeft), "tiny-sft", ChatTemplate.Chat,
            new SamplingParams(Temperature: 0, MaxTokens: cfg.MaxNewTokens, Seed: 0));

    static SystemRun Measure(LabContext ctx, string name, IChatClient client, IReadOnlyList<RefusalPrompt> heldOut,
        IReadOnlyList<SyntheticExample> tasks)
    {
        var start = Stopwatch.GetTimestamp();
        var replies = RefusalEvaluator.RepliesAsync(client, heldOut).GetAwaiter().GetResult();
        var (scores, refused) = RefusalEvaluator.TaskScoresAsync(client, tasks).GetAwaiter().GetResult();
        foreach (var r in replies.Where((_, i) => i % 14 == 0))
            ctx.Metrics.Log(new { system = name, prompt = r.Prompt.Text, r.Prompt.Unsafe, reply = r.Text, r.Refused });
        return new SystemRun(name, replies, scores, refused, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }
}
