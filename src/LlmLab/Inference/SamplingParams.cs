using System.Globalization;
using LlmLab.Inference.Json;

namespace LlmLab.Inference;

/// <summary>
/// How one request is decoded: the processing of each step's logits (in this order: a JSON grammar's mask, logit bias,
/// repetition/presence/frequency penalties, temperature, top-k, top-p, min-p), when to stop, and what to report. The
/// names follow vLLM's <c>SamplingParams</c> and the OpenAI API. Immutable.
/// </summary>
/// <param name="Temperature">Logits are divided by it: &lt; 1 sharpens, &gt; 1 flattens; 0 = greedy (argmax, no randomness).</param>
/// <param name="TopK">Keep the k most likely tokens (Fan et al. 2018); null = all.</param>
/// <param name="TopP">Nucleus sampling (Holtzman et al. 2020): keep the smallest set of most likely tokens whose
/// probability reaches p; 1 = all. Must be in (0, 1].</param>
/// <param name="MinP">Keep the tokens whose probability is at least min_p times the most likely one's (Nguyen et al.
/// 2024); 0 = off.</param>
/// <param name="RepetitionPenalty">CTRL's penalty (Keskar et al. 2019) on every token already in the prompt or the
/// output: a positive logit is divided by it, a negative one multiplied; 1 = off.</param>
/// <param name="MaxTokens">The most new tokens; the generation also ends when the model's context is full.</param>
/// <param name="Stop">Strings that end the generation; the text returned stops before the first one found (which may
/// span several tokens).</param>
/// <param name="StopTokens">Token ids that end the generation (e.g. an end-of-text id); not part of the text.</param>
/// <param name="Seed">Seeds this request's draws (all 64 bits count, see <see cref="SeededRandom"/>), so a request is
/// reproducible whatever else runs beside it; null = a seed from the engine's own stream.</param>
/// <param name="Logprobs">Report the log-probability of each chosen token under the model's distribution (before any
/// processing: temperature 1, no truncation, as vLLM reports them).</param>
/// <param name="TopLogprobs">Also report this many most likely alternatives per step (0–20, OpenAI's bound).</param>
/// <param name="LogitBias">Added to a token's logit before anything else (OpenAI's <c>logit_bias</c>, −100..100: −100
/// bans a token, 100 all but forces it); null = none.</param>
/// <param name="PresencePenalty">Subtracted once from the logit of every token already in the output (OpenAI's
/// formula, "Frequency and presence penalties"); −2..2, 0 = off.</param>
/// <param name="FrequencyPenalty">Subtracted from a token's logit once per time it is already in the output; −2..2.</param>
/// <param name="Json">Constrains the output to JSON (any value, or one that a <see cref="JsonSchemaSubset"/> allows) by
/// masking every token that cannot continue it; the sequence stops when the value is complete. Null = free text.</param>
public sealed record SamplingParams(
    double Temperature = 1.0,
    int? TopK = null,
    double TopP = 1.0,
    double MinP = 0.0,
    double RepetitionPenalty = 1.0,
    int MaxTokens = 128,
    IReadOnlyList<string>? Stop = null,
    IReadOnlyList<int>? StopTokens = null,
    long? Seed = null,
    bool Logprobs = false,
    int TopLogprobs = 0,
    IReadOnlyDictionary<int, double>? LogitBias = null,
    double PresencePenalty = 0,
    double FrequencyPenalty = 0,
    JsonSchemaSubset? Json = null)
{
    /// <summary>Greedy decoding of up to <paramref name="maxTokens"/> tokens.</summary>
    public static SamplingParams Greedy(int maxTokens = 128) => new(Temperature: 0, MaxTokens: maxTokens);

    /// <summary>True when no randomness is involved (temperature 0).</summary>
    public bool IsGreedy => Temperature == 0;

    /// <summary>Rejects values no sampler can use; the message names the field (OpenAI's/vLLM's names) and its range.</summary>
    /// <exception cref="InputException">A field out of range.</exception>
    public void Validate()
    {
        static string F(double v) => v.ToString(CultureInfo.InvariantCulture);
        if (!(Temperature >= 0) || double.IsInfinity(Temperature)) throw new InputException(
            $"temperature must be a finite number >= 0 (got {F(Temperature)}); 0 = greedy");
        if (TopK is < 1) throw new InputException($"top_k must be >= 1, or absent for no cut (got {TopK})");
        if (!(TopP > 0 && TopP <= 1)) throw new InputException($"top_p must be in (0, 1] (got {F(TopP)}); 1 keeps every token");
        if (!(MinP >= 0 && MinP <= 1)) throw new InputException($"min_p must be in [0, 1] (got {F(MinP)}); 0 = off");
        if (!(RepetitionPenalty > 0) || double.IsInfinity(RepetitionPenalty)) throw new InputException(
            $"repetition_penalty must be a finite number > 0 (got {F(RepetitionPenalty)}); 1 = off");
        if (MaxTokens < 0) throw new InputException($"max_tokens must be >= 0 (got {MaxTokens})");
        if (Stop is not null && Stop.Any(string.IsNullOrEmpty)) throw new InputException("stop sequences must be non-empty strings");
        if (TopLogprobs is < 0 or > 20) throw new InputException($"top_logprobs must be in 0..20 (got {TopLogprobs})");
        if (!(PresencePenalty >= -2 && PresencePenalty <= 2)) throw new InputException(
            $"presence_penalty must be in [-2, 2] (got {F(PresencePenalty)})");
        if (!(FrequencyPenalty >= -2 && FrequencyPenalty <= 2)) throw new InputException(
            $"frequency_penalty must be in [-2, 2] (got {F(FrequencyPenalty)})");
        if (LogitBias is not null && LogitBias.Any(kv => kv.Key < 0 || !(kv.Value >= -100 && kv.Value <= 100)))
            throw new InputException("logit_bias maps token ids (>= 0) to biases in [-100, 100]");
        if (Json is not null && (Stop is { Count: > 0 } || StopTokens is { Count: > 0 }))
            throw new InputException(
                "stop sequences and stop tokens cannot be combined with a JSON constraint: the reply ends when the value is complete");
    }
}
