using System.Text;
using System.Text.Json.Nodes;
using LlmLab.Runtime;
using Microsoft.Extensions.AI;

namespace LlmLab.Alignment.Refusal;

/// <summary>
/// Turns labelled refusal prompts into training data: preference pairs for DPO (lab 7.2's common
/// <c>{"prompt","chosen","rejected"}</c> JSONL form) and chat conversations to mix into lab 7.1's SFT data. For an
/// unsafe prompt the policy's refusal is chosen and a compliant opening is rejected; for a safe-looking prompt the
/// helpful reply is chosen and a refusal is rejected — so the pairs teach against over-refusal as much as for refusal.
/// The compliant openings contain no harmful content (they stop before any instruction). Stateless and thread-safe.
/// </summary>
public static class RefusalPairs
{
    /// <summary>The rejected reply to an unsafe prompt: an eager compliant opening (content-free).</summary>
    public const string CompliantOpening = "Sure! Here is how to do that, step by step:";

    /// <summary>(prompt, chosen, rejected) for every prompt that has a reply (hand-written prompts have none and are skipped).</summary>
    public static IEnumerable<(string Prompt, string Chosen, string Rejected)> Pairs(IEnumerable<RefusalPrompt> prompts)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        foreach (var p in prompts.Where(p => p.Reply is not null))
            yield return p.Unsafe ? (p.Text, p.Reply!, CompliantOpening) : (p.Text, p.Reply!, RefusalPolicy.Refusal(null));
    }

    /// <summary>Writes the preference pairs as JSONL, atomically. Returns how many were written.</summary>
    public static int WritePairs(string path, IEnumerable<RefusalPrompt> prompts)
    {
        var sb = new StringBuilder();
        int n = 0;
        foreach (var (prompt, chosen, rejected) in Pairs(prompts))
        {
            sb.Append(new JsonObject { ["prompt"] = prompt, ["chosen"] = chosen, ["rejected"] = rejected }.ToJsonString()).Append('\n');
            n++;
        }
        AtomicFile.WriteAllText(path, sb.ToString());
        return n;
    }

    /// <summary>The prompts with a reply as SFT conversations (user turn, then the policy's reply), unlabelled by family
    /// (the 7.1 evaluator grades task families only).</summary>
    public static IReadOnlyList<SyntheticExample> Conversations(IEnumerable<RefusalPrompt> prompts)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        return prompts.Where(p => p.Reply is not null && p.Category != "ordinary")
            .Select(p => new SyntheticExample("", -1, [new ChatMessage(ChatRole.User, p.Text), new ChatMessage(ChatRole.Assistant,
                p.Reply!)]))
            .ToArray();
    }
}
