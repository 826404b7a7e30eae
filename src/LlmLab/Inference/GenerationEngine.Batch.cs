using System.Diagnostics;
using LlmLab.Nn.Gpt;
using static TorchSharp.torch;

namespace LlmLab.Inference;

public sealed partial class GenerationEngine
{
    /// <summary>
    /// Decodes several requests together, one forward per step for all of them (static batching: the batch runs until
    /// its last sequence finishes). Prompts of different lengths are left-padded to the longest, P tokens:
    /// <list type="number">
    /// <item>Row b has pad_b = P − len_b pad tokens; its token j sits at position max(0, j − pad_b), so every row's real
    /// tokens are numbered from 0 as if it ran alone.</item>
    /// <item>The attention mask hides the pad keys from every real token and keeps the causal rule (a pad query sees
    /// itself only, so its row of scores is never empty; its output is never used).</item>
    /// <item>Each step feeds every row its last token (finished rows a dummy whose logits are ignored), at position
    /// len_b + steps − 1, with a mask that keeps hiding the pads. The cache holds P + steps keys per row.</item>
    /// </list>
    /// Each request keeps its own decoder (its sampling, seed, stops), so a seeded request gives the same tokens as it
    /// would alone (up to float round-off in the padded shapes). Results are in the order of the requests.
    /// </summary>
    /// <exception cref="InputException">Invalid parameters or an empty/too long prompt in any request.</exception>
    public IReadOnlyList<GenerationResult> GenerateBatch(IReadOnlyList<(IReadOnlyList<int> Prompt, SamplingParams Params)> requests,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0) return [];
        var start = Stopwatch.GetTimestamp();
        var seqs = requests.Select(r =>
        {
            ArgumentNullException.ThrowIfNull(r.Params);
            r.Params.Validate();
            return new SequenceDecoder(Tokenizer, FitPrompt(r.Prompt, r.Params), r.Params, Context, r.Params.Seed ?? NextSeed());
        }).ToArray();
        int b = seqs.Length, p = seqs.Max(s => s.Prompt.Count);
        var pads = seqs.Select(s => p - s.Prompt.Count).ToArray();
        var first = new TimeSpan?[b];
        _gate.Wait(cancellationToken);
        bool wasTraining = Model.training;
        Model.eval();
        try
        {
            using var noGrad = no_grad();
            // Capacity: the longest prompt plus the most steps any row can take (its context room or max_tokens).
            int steps = seqs.Max(s => Math.Min(s.Finish is null ? s.Params.MaxTokens : 0, Context - s.Prompt.Count));
            using var cache = new ContiguousKvCache(Model.Config.Layers, Math.Max(1, p + steps));
            Tensor logits;
            using (var scope = NewDisposeScope())                                              // prefill
            {
                var ids = new long[b * p];
                var pos = new long[b * p];
                for (int r = 0; r < b; r++)
                    for (int j = 0; j < p; j++)
                    {
                        ids[r * p + j] = j < pads[r] ? 0 : seqs[r].Prompt[j - pads[r]];
                        pos[r * p + j] = Math.Max(0, j - pads[r]);                              // 1.
                    }
                var q = arange(p, device: CPU).view(1, 1, p, 1);
                var k = arange(p, device: CPU).view(1, 1, 1, p);
                var pad = tensor(pads.Select(x => (long)x).ToArray()).view(b, 1, 1, 1);
                var mask = ((k <= q) & (k >= pad)) | (k == q);                                 // (B, 1, P, P)  2.
                logits = Model.Forward(tensor(ids, [b, p]), cache, tensor(pos, [b, p]), mask)
                    .select(1, p - 1).MoveToOuterDisposeScope();                              // (B, V)
            }
            for (int step = 0; ; step++)
            {
                using var scope = NewDisposeScope();
                var next = new long[b];
                for (int r = 0; r < b; r++)
                {
                    if (seqs[r].Finish is not null) continue;
                    if (cancellationToken.IsCancellationRequested) { seqs[r].Cancel(); continue; }
                    seqs[r].Step(logits[r]);
                    first[r] ??= Stopwatch.GetElapsedTime(start);
                    next[r] = seqs[r].Output.Count > 0 ? seqs[r].Output[^1] : 0;
                }
                logits.Dispose();
                if (seqs.All(s => s.Finish is not null)) break;
                int s = p + step;                                                              // keys cached so far
                var pos = Enumerable.Range(0, b).Select(r => (long)Math.Min(Context - 1, seqs[r].Length - 1)).ToArray();
                var keys = arange(s + 1, device: CPU).view(1, 1, 1, s + 1);
                var mask = keys >= tensor(pads.Select(x => (long)x).ToArray()).view(b, 1, 1, 1);     // (B, 1, 1, S + 1)  3.
                logits = Model.Forward(tensor(next, [b, 1]), cache, tensor(pos, [b, 1]), mask)
                    .select(1, 0).MoveToOuterDisposeScope();                                  // (B, V)
            }
        }
        finally
        {
            Model.train(wasTraining);
            _gate.Release();
        }
        var elapsed = Stopwatch.GetElapsedTime(start);
        return seqs.Select((s, r) => Result(s, first[r], elapsed)).ToArray();
    }
}
