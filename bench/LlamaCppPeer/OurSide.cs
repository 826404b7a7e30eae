using System.Diagnostics;
using LlmLab.Nn.Gpt;
using static TorchSharp.torch;

namespace LlmLab.Bench.LlamaCppPeer;

/// <summary>Our engine on the same weights: the plain forward for logits, the KV-cached forward for speed (the path
/// <c>GenerationEngine</c> decodes with), greedy like the llama.cpp side.</summary>
sealed class OurSide(GptModel model)
{
    /// <summary>The activation rounding our model runs with.</summary>
    public ActivationRounding Rounding => model.ActivationRounding;

    public float[] Logits(int[] ids)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return model.forward(tensor(ids.Select(i => (long)i).ToArray(), [1, ids.Length])).data<float>().ToArray();
    }

    public (double Prefill, double Decode, int[] Tokens) Time(int[] prompt, int steps)
    {
        using var noGrad = no_grad();
        using var cache = ContiguousKvCache.For(model.Config);
        var sw = Stopwatch.StartNew();
        int next;
        using (var scope = NewDisposeScope())
        {
            var logits = model.Forward(tensor(prompt.Select(i => (long)i).ToArray(), [1, prompt.Length]), cache); // (1, T, V)
            next = (int)logits[0, -1].argmax().item<long>();
        }
        double prefill = sw.Elapsed.TotalSeconds;
        var tokens = new List<int> { next };
        sw.Restart();
        for (int s = 0; s < steps; s++)
        {
            using var scope = NewDisposeScope();
            var logits = model.Forward(tensor(new long[] { next }, [1, 1]), cache);             // (1, 1, V)
            next = (int)logits[0, -1].argmax().item<long>();
            tokens.Add(next);
        }
        return (prefill, sw.Elapsed.TotalSeconds, tokens.ToArray());
    }
}
