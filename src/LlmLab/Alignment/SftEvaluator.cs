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
/// GPT-3's few-shot setting). Each family's score also counts the questions whose reference reply has more tokens than the
/// budget leaves (max_tokens, and the context after the prompt: <see cref="FamilyScore.NoRoom"/>) and the replies cut by
/// that budget, so a setting that makes a family unanswerable shows as such rather than as a model that cannot learn it.
/// Deterministic (greedy). Not thread-safe (one engine).
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
    public static IReadOnlyList<FamilyScore> Evaluate(GptModel model, ITokenizer tokenizer, ChatTemplate template,
        IReadOnlyList<SyntheticExample> test,
        int maxTokens, IReadOnlyDictionary<string, IReadOnlyList<SyntheticExample>>? shots = null,
        Action<SyntheticExample, string, TaskGrade>? onReply = null)
    {
        ArgumentNullException.ThrowIfNull(test);
        var engine = new GenerationEngine(model, tokenizer, PromptOverflow.TruncateLeft);
        var p = new SamplingParams(Temperature: 0, MaxTokens: maxTokens, Stop: template.Stops.Count == 0 ? null : template.Stops,
            StopTokens: template.StopTokenIds(tokenizer), Seed: 0);
        var tallies = new Dictionary<string, (int N, int Correct, int Format, int NoRoom, int Cut)>();
        var order = new List<string>();
        foreach (var x in test)
        {
            var family = TaskFamilies.ByName(x.Family);
            var messages = FewShot(x, shots?.GetValueOrDefault(x.Family), template);
            var ids = template.Encode(messages, tokenizer, addGenerationPrompt: true).Ids;
            int room = Math.Min(maxTokens, model.Config.Context - engine.FitPrompt(ids, p).Count);
            bool noRoom = ReferenceTokens(x, messages, ids.Length, tokenizer, template) > room;
            var result = engine.Generate(ids, p);
            string reply = result.Text.Trim();
            var grade = family.Check(x.ReferenceText, reply);
            onReply?.Invoke(x, reply, grade);
            if (!tallies.ContainsKey(x.Family)) order.Add(x.Family);
            var t = tallies.GetValueOrDefault(x.Family);
            tallies[x.Family] = (t.N + 1, t.Correct + (grade.Correct ? 1 : 0), t.Format + (grade.FormatValid ? 1 : 0),
                t.NoRoom + (noRoom ? 1 : 0), t.Cut + (result.Finish == FinishReason.Length ? 1 : 0));
        }
        return order.Select(f => new FamilyScore(f, tallies[f].N, tallies[f].Correct, tallies[f].Format, tallies[f].NoRoom, tallies[f].Cut))
            .ToArray();
    }

    /// <summary>The tokens the reference reply of <paramref name="x"/> takes after the prompt (<paramref name="promptLength"/>
    /// ids, ending with the assistant's prefix), without the end of the turn: what a model must generate for the
    /// checker to see the whole answer.</summary>
    static int ReferenceTokens(SyntheticExample x, IReadOnlyList<ChatMessage> messages, int promptLength, ITokenizer tokenizer,
        ChatTemplate template)
    {
        var reference = template.UsesSpecialTokens ? x.Messages[^1] : new ChatMessage(ChatRole.Assistant, x.ReferenceText);
        int full = template.Encode([.. messages, reference], tokenizer, addGenerationPrompt: false).Ids.Length;
        int end = template.UsesSpecialTokens ? 1
            : tokenizer is BpeTokenizer bpe ? bpe.EncodeOrdinary(template.Separator).Length : tokenizer.Encode(template.Separator).Length;
        return full - promptLength - end;
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
