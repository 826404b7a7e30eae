using System.Diagnostics;
using LLama;
using LLama.Common;
using LLama.Native;

namespace LlmLab.Bench.LlamaCppPeer;

/// <summary>
/// llama.cpp (through LLamaSharp) on one GGUF file: logits for every position of a window, its tokenizer's ids, and
/// prefill/decode speed at batch 1. The KV cache is fp32 (llama.cpp's default is f16, which would add its own rounding
/// to the comparison) and flash attention is off, so the f32 file is compared with our fp32 engine op for op.
/// </summary>
sealed class LlamaCppSide : IDisposable
{
    readonly LLamaWeights _weights;
    readonly LLamaContext _context;

    public LlamaCppSide(string path, int context, int threads)
    {
        var p = new ModelParams(path)
        {
            ContextSize = (uint)context, BatchSize = (uint)context, UBatchSize = (uint)context, Threads = threads, BatchThreads = threads,
            GpuLayerCount = 0, TypeK = GGMLType.GGML_TYPE_F32, TypeV = GGMLType.GGML_TYPE_F32, FlashAttention = false,
        };
        _weights = LLamaWeights.LoadFromFile(p);
        _context = _weights.CreateContext(p);
        Vocab = _weights.NativeHandle.Vocab.Count;
    }

    public int Vocab { get; }

    /// <summary>llama.cpp's ids for <paramref name="text"/> (special tokens parsed, no BOS).</summary>
    public int[] Tokenize(string text) => _context.Tokenize(text, addBos: false, special: true).Select(t => (int)t).ToArray();

    /// <summary>Logits (T × V, row-major) for <paramref name="ids"/> at positions 0..T−1, from an empty cache.</summary>
    public float[] Logits(int[] ids)
    {
        _context.NativeHandle.MemoryClear(true);
        var batch = new LLamaBatch();
        for (int i = 0; i < ids.Length; i++) batch.Add((LLamaToken)ids[i], i, (LLamaSeqId)0, logits: true);
        Check(_context.NativeHandle.Decode(batch));
        var all = new float[ids.Length * Vocab];
        for (int i = 0; i < ids.Length; i++) _context.NativeHandle.GetLogitsIth(i).CopyTo(all.AsSpan(i * Vocab, Vocab));
        return all;
    }

    /// <summary>Seconds to prefill <paramref name="prompt"/> and to decode <paramref name="steps"/> greedy tokens one at a time.</summary>
    public (double Prefill, double Decode, int[] Tokens) Time(int[] prompt, int steps)
    {
        _context.NativeHandle.MemoryClear(true);
        var batch = new LLamaBatch();
        for (int i = 0; i < prompt.Length; i++) batch.Add((LLamaToken)prompt[i], i, (LLamaSeqId)0, logits: i == prompt.Length - 1);
        var sw = Stopwatch.StartNew();
        Check(_context.NativeHandle.Decode(batch));
        int next = ArgMax(_context.NativeHandle.GetLogitsIth(batch.TokenCount - 1));
        double prefill = sw.Elapsed.TotalSeconds;
        var tokens = new List<int> { next };
        sw.Restart();
        for (int s = 0; s < steps; s++)
        {
            batch.Clear();
            batch.Add((LLamaToken)next, prompt.Length + s, (LLamaSeqId)0, logits: true);
            Check(_context.NativeHandle.Decode(batch));
            next = ArgMax(_context.NativeHandle.GetLogitsIth(0));
            tokens.Add(next);
        }
        return (prefill, sw.Elapsed.TotalSeconds, tokens.ToArray());
    }

    static int ArgMax(ReadOnlySpan<float> x)
    {
        int best = 0;
        for (int i = 1; i < x.Length; i++) if (x[i] > x[best]) best = i;
        return best;
    }

    static void Check(DecodeResult r)
    {
        if (r != DecodeResult.Ok) throw new InvalidOperationException($"llama_decode returned {r}");
    }

    public void Dispose()
    {
        _context.Dispose();
        _weights.Dispose();
    }
}
