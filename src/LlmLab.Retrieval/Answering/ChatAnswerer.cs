using LlmLab.Retrieval.Search;
using Microsoft.Extensions.AI;

namespace LlmLab.Retrieval.Answering;

/// <summary>Answers with any <see cref="IChatClient"/> (a local model or an OpenAI-compatible endpoint) from the grounded prompt.</summary>
public sealed class ChatAnswerer(IChatClient client, ChatOptions? options = null) : IRagAnswerer
{
    /// <inheritdoc />
    public async Task<string> AnswerAsync(string question, IReadOnlyList<RetrievedChunk> chunks,
        CancellationToken cancellationToken = default)
    {
        var response = await client.GetResponseAsync(GroundedPrompt.Build(question, chunks), options ?? new ChatOptions { Temperature = 0 },
            cancellationToken).ConfigureAwait(false);
        return response.Text.Trim();
    }
}
