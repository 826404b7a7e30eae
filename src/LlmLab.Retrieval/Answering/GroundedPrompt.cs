using System.Text;
using LlmLab.Retrieval.Search;
using Microsoft.Extensions.AI;

namespace LlmLab.Retrieval.Answering;

/// <summary>The prompt for a chat model: numbered chunks, the question, and the rule to cite <c>[n]</c> or refuse.</summary>
public static class GroundedPrompt
{
    /// <summary>What an answerer says when the documents do not contain the answer.</summary>
    public const string Refusal = "The answer is not in the documents.";

    /// <summary>System and user messages for <paramref name="question"/> over <paramref name="chunks"/> ([1] is the first).</summary>
    public static List<ChatMessage> Build(string question, IReadOnlyList<RetrievedChunk> chunks)
    {
        var system = "Answer the question using only the numbered sources below. After every sentence, cite the " +
            "source numbers it relies on in square brackets, like [1] or [2, 3]. Cite only numbers that appear below. " +
            $"If the sources do not contain the answer, reply exactly: \"{Refusal}\"";
        var user = new StringBuilder();
        for (int i = 0; i < chunks.Count; i++)
        {
            var c = chunks[i].Chunk.Chunk;
            user.Append('[').Append(i + 1).Append("] (").Append(c.Title).Append(")\n").Append(c.Text.Trim()).Append("\n\n");
        }
        user.Append("Question: ").Append(question.Trim());
        return [new ChatMessage(ChatRole.System, system), new ChatMessage(ChatRole.User, user.ToString())];
    }
}
