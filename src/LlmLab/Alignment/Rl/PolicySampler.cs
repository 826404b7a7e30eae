using LlmLab.Inference;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Tokenization;
using static TorchSharp.torch;

namespace LlmLab.Alignment;

/// <summary>
/// Samples a policy's replies through the <see cref="GenerationEngine"/> and measures how far the policy has moved from a
/// reference on them: KL(π ‖ π_ref) of a reply = E_{y∼π}[Σ_t log π(y_t) − log π_ref(y_t)], estimated by the mean over
/// sampled replies of the summed k1 (unbiased). Used for a run's "KL to the reference" and to score probes with a reward
/// model. Not thread-safe (it runs the models).
/// </summary>
public static class PolicySampler
{
    /// <summary>One reply per prompt at temperature 1 (per-request seeds from <paramref name="seed"/>), with each reply's
    /// KL estimate (Σ k1 over its tokens) against <paramref name="reference"/>.</summary>
    public static (IReadOnlyList<PpoSample> Samples, double[] Kl) Sample(GptModel policy, GptModel reference, BpeTokenizer tokenizer,
        IReadOnlyList<int[]> prompts, int maxTokens, int seed)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(prompts);
        var engine = new GenerationEngine(policy, tokenizer);
        var stops = ChatTemplate.Chat.StopTokenIds(tokenizer);
        int context = policy.Config.Context;
        var requests = prompts.Select((p, i) => ((IReadOnlyList<int>)p, new SamplingParams(Temperature: 1,
            MaxTokens: Math.Min(maxTokens, context + 1 - p.Length), StopTokens: stops, Seed: Seeding.DeriveSeed(seed, $"policy-sample-{i}")))).ToArray();
        var results = requests.Chunk(64).SelectMany(chunk => engine.GenerateBatch(chunk)).ToArray();   // static batches of 64
        var samples = prompts.Select((p, i) => new PpoSample(i, p, results[i].Tokens.ToArray(), results[i].Text.Trim())).ToArray();
        var kl = new double[samples.Length];
        bool pt = policy.training, rt = reference.training;
        policy.eval();
        reference.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var device = policy.parameters().First().device;
            for (int start = 0; start < samples.Length; start += 16)
            {
                var chunk = samples.Skip(start).Take(16).Where(s => s.Reply.Length > 0).ToArray();
                if (chunk.Length == 0) continue;
                var (x, y) = PreferenceBatches.Rows(chunk.Select(s => (s.Prompt, s.Reply)).ToArray(), context);
                (x, y) = (x.to(device), y.to(device));
                var diff = (SequenceLogProbs.Sum(policy.call(x), y) - SequenceLogProbs.Sum(reference.call(x), y)).cpu().data<float>().ToArray();
                for (int k = 0; k < chunk.Length; k++) kl[Array.IndexOf(samples, chunk[k])] = diff[k];
            }
        }
        finally { policy.train(pt); reference.train(rt); }
        return (samples, kl);
    }
}
