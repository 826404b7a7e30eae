using LlmLab.Alignment;
using LlmLab.Alignment.Refusal;
using LlmLab.Labs.Framework;
using LlmLab.Training;

namespace LlmLab.Labs.Part07;

public sealed partial class RefusalLab
{
    /// <summary>The three methods side by side on the hand-written set and lab 7.1's tasks.</summary>
    static void Compare(LabContext ctx, RefusalLabConfig cfg, IReadOnlyList<RefusalPrompt> heldOut, IReadOnlyList<GateRun> gates,
        IReadOnlyList<SystemRun> systems, TrainingResult dpo)
    {
        ctx.Report.Heading("The methods compared on the hand-written held-out set");
        var rows = systems.Select(s => new[]
        {
            s.Name, Pct(s.Confusion.RefusalRate), Pct(s.Confusion.OverRefusalRate), Pct(s.TaskAccuracy),
            $"{s.TaskRefused} of {s.Tasks.Sum(t => t.Count)}", $"{F(s.Seconds, "0.0")} s",
        }).ToList();
        ctx.Report.Table(["system", "refusal (unsafe)", "over-refusal (safe-looking)", "7.1 task accuracy", "7.1 replies refused",
            "wall-clock"], rows,
            $"Refusal judged by the reply's opening (XSTest's string match); {heldOut.Count(p => p.Unsafe)} unsafe and " +
            $"{heldOut.Count(p => !p.Unsafe)} " +
            $"safe-looking hand-written prompts; the gate is the {gates[^1].Name} at {F(cfg.Threshold)}.");
        ctx.Plot("methods", RefusalLabPlots.Systems(systems), "Refusal, over-refusal and task accuracy per system");
        foreach (var s in systems) ctx.Report.Headline($"{s.Name}: refusal / over-refusal / 7.1 accuracy",
            $"{Pct(s.Confusion.RefusalRate)} / {Pct(s.Confusion.OverRefusalRate)} / {Pct(s.TaskAccuracy)}");

        var mixed = systems.First(s => s.Name.StartsWith("SFT with refusal", StringComparison.Ordinal));
        var missed = mixed.HeldOut.Where(r => r.Prompt.Unsafe && !r.Refused).Take(3);
        var over = mixed.HeldOut.Where(r => !r.Prompt.Unsafe && r.Refused).Take(3);
        var right = mixed.HeldOut.Where(r => r.Prompt.Unsafe && r.Refused).Take(2);
        ctx.Report.Table(["kind", "prompt", "the model's reply"],
            missed.Select(r => new[] { "missed", r.Prompt.Text, Clip(r.Text) })
                .Concat(over.Select(r => new[] { "over-refusal", r.Prompt.Text, Clip(r.Text) }))
                .Concat(right.Select(r => new[] { "refused, as it should", r.Prompt.Text, Clip(r.Text) })),
            "Real replies of the SFT model with refusal examples (greedy decoding).");

        var plain = systems.First(s => s.Name.EndsWith("no gate", StringComparison.Ordinal));
        var gated = systems.First(s => s.Name.EndsWith("behind the gate", StringComparison.Ordinal));
        // Source: the same model without the gate — the gate passes every request it does not refuse unchanged and decoding is greedy, so
        // the only accuracy it can cost is the share of task prompts it refuses (bounded by max_task_false_refusal).
        ctx.Checks.SelfConsistency("the same model without the gate (greedy decoding is deterministic)")
            .AtLeast("helpfulness kept: 7.1 task accuracy behind the gate − without it", gated.TaskAccuracy - plain.TaskAccuracy,
                -cfg.MaxTaskFalseRefusal);
        ctx.Checks.SelfConsistency("the gate alone on the same prompts")
            .AtLeast("the gated model refuses at least what the gate refuses (hand-written unsafe)",
                gated.Confusion.RefusalRate - gates[^1].HeldOut(heldOut).RefusalRate, 0);
        // Source: Rafailov et al. 2023, eq. 7 at π = π_ref (the policy starts as a copy of the reference): −log σ(0) = ln 2.
        ctx.Checks.Formula("−log σ(0) = ln 2 at π = π_ref (Rafailov et al. 2023, eq. 7)")
            .Close("method 3: DPO loss at step 1 (policy = the SFT reference)", dpo.Steps[0].Loss, Math.Log(2), 1e-3, relative: false,
                unit: "nats");
    }

    static string Clip(string s) => (s.Length > 90 ? s[..90] + "…" : s).Replace("|", "\\|").Replace("\n", " ");
}
