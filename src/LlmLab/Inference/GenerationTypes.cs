namespace LlmLab.Inference;

/// <summary>The log-probability of a chosen token and, on request, of the most likely alternatives at that step.</summary>
/// <param name="Token">The chosen id.</param>
/// <param name="Logprob">ln p(token) under the model's unprocessed distribution.</param>
/// <param name="Top">The most likely (id, ln p) at that step, most likely first (empty unless asked for).</param>
public sealed record TokenLogprob(int Token, double Logprob, IReadOnlyList<(int Token, double Logprob)> Top);

/// <summary>
/// One streamed step of a generation: the text it made safe to show (may be empty while a character or a possible stop
/// string is incomplete), the token chosen (null for the final flush), and the finish reason on the last chunk.
/// </summary>
public sealed record GenerationChunk(string Text, int? Token, TokenLogprob? Logprob, FinishReason? Finish);

/// <summary>A finished generation.</summary>
/// <param name="Text">The generated text, cut before a stop string.</param>
/// <param name="Tokens">Every token chosen (including the one that completed a stop string or was a stop token).</param>
/// <param name="Finish">Why it ended.</param>
/// <param name="PromptTokens">Tokens of the prompt as run (after any truncation).</param>
/// <param name="Logprobs">Per token, when <see cref="SamplingParams.Logprobs"/> was set; else null.</param>
/// <param name="TimeToFirstToken">From the start of the request to its first token (prefill included).</param>
/// <param name="Elapsed">From the start of the request to its end.</param>
public sealed record GenerationResult(
    string Text,
    IReadOnlyList<int> Tokens,
    FinishReason Finish,
    int PromptTokens,
    IReadOnlyList<TokenLogprob>? Logprobs,
    TimeSpan TimeToFirstToken,
    TimeSpan Elapsed);
