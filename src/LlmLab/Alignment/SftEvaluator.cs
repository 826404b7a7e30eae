using LlmLab.Inference;
using LlmLab.Nn.Gpt;
using LlmLab.Tokenization;
using Microsoft.Extensions.AI;

namespace LlmLab.Alignment;

/// <summary>
/// Grades a model on test conversations: each prompt (the conversation without its reference reply) is encoded by the
/// chat template, decoded greedily through <see cref="GenerationEngine"/> until the template's end (the
/// <c>&lt;|end|&gt;</c> id, or the transcript's next speaker), and the reply is graded by its family's checker
/// (<see cref="TaskFamily.Check"/>: the parsed answer, never the whole string). A base model without chat tokens is
/// asked with the transcript template and <see cref="FewShot"/> examples before each question (in-context learning,
/// GPT-3's few-shot setting). Deterministic (greedy). Not thread-safe (one engine).
/// </summary>
public static class SftEvaluator
{
    /// <summary>Per-family scores of <paramref name="model"/> on <paramref name="test"/>, in the order families first
    /// appear. <paramref name="shots"/> gives, per family, solved conversations put before each question (none: zero-shot).</summary>
    /// <param name="model">The model (evaluation mode is set by the engine).</param>
    /// <param name="tokenizer">Its tokenizer (with the chat tokens for <see cref="ChatTemplate.Chat"/>).</param>
    /// <param name="template">The chat template the model was tuned with (or the transcript for a base model).</param>
    /// <param name="test">Conversations whose last message is the reference reply; family names must be known.</param>
    /// <param name="maxTokens">The longest reply generated.</param>
    /// <param name="shots">Solved examples per family for few-shot prompting, or null.</param>
    /// <param name="onReply">Sees each (example, reply, grade), e.g. to log samples.</param>
    /// <exception cref="InputException">An unknown family, or a prompt longer than the context.</exception>
    public static IReadOnlyList<FamilyScore> Evaluate(GptModel model, ITokenizer tokenizer, ChatTemplate template, IReadOnlyList<SyntheticExample> test,
        int maxTokens, IReadOnlyDictionary<string, IReadOnlyList<SyntheticExample>>? shots = null,
        Action<SyntheticExample, string, TaskGrade>? onReply = null)
    {
        ArgumentNullException.ThrowIfNull(test);
        var engine = new GenerationEngine(model, tokenizer, PromptOverflow.TruncateLeft);
        var p = new SamplingParams(Temperature: 0, MaxTokens: maxTokens, Stop: template.Stops.Count == 0 ? null : template.Stops,
            StopTokens: template.StopTokenIds(tokenizer), Seed: 0);
        var tallies = new Dictionary<string, (int N, int Correct, int Format)>();
        var order = new List<string>();
        foreach (var x in test)
        {
            var family = TaskFamilies.ByName(x.Family);
            var messages = FewShot(x, shots?.GetValueOrDefault(x.Family), template);
            var ids = template.Encode(messages, tokenizer, addGenerationPrompt: true).Ids;
            string reply = engine.Generate(ids, p).Text.Trim();
            var grade = family.Check(x.ReferenceText, reply);
            onReply?.Invoke(x, reply, grade);
            if (!tallies.ContainsKey(x.Family)) order.Add(x.Family);
            var t = tallies.GetValueOrDefault(x.Family);
            tallies[x.Family] = (t.N + 1, t.Correct + (grade.Correct ? 1 : 0), t.Format + (grade.FormatValid ? 1 : 0));
        }
        return order.Select(f => new FamilyScore(f, tallies[f].N, tallies[f].Correct, tallies[f].Format)).ToArray();
    }

    /// <summary>The prompt of <paramref name="x"/> with <paramref name="shots"/> before it as earlier user/assistant
    /// turns (a system message, if any, stays first). For the transcript template a tool call is written as its text
    /// (the transcript has no tool-call marker).</summary>
    public static IReadOnlyList<ChatMessage> FewShot(SyntheticExample x, IReadOnlyList<SyntheticExample>? shots, ChatTemplate template)
    {
        ArgumentNullException.ThrowIfNull(x);
        var list = new List<ChatMessage>();
        var prompt = x.Prompt;
        list.AddRange(prompt.TakeWhile(m => m.Role == ChatRole.System));
        foreach (var s in shots ?? [])
        {
            list.AddRange(s.Prompt.Where(m => m.Role != ChatRole.System));
            list.Add(template.UsesSpecialTokens ? s.Messages[^1] : new ChatMessage(ChatRole.Assistant, s.ReferenceText));
        }
        list.AddRange(prompt.SkipWhile(m => m.Role == ChatRole.System));
        return list;
    }

    /// <summary>Correct over all families' conversations.</summary>
    public static double Overall(IReadOnlyList<FamilyScore> scores) =>
        scores.Sum(s => s.Count) == 0 ? 0 : scores.Sum(s => s.Correct) / (double)scores.Sum(s => s.Count);

    /// <summary>Format-valid over all families' conversations.</summary>
    public static double OverallFormat(IReadOnlyList<FamilyScore> scores) =>
        scores.Sum(s => s.Count) == 0 ? 0 : scores.Sum(s => s.FormatValid) / (double)scores.Sum(s => s.Count);
}
