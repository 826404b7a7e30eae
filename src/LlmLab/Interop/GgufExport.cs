using System.Runtime.InteropServices;
using LlmLab.Inference;
using LlmLab.Inference.Quantization;
using LlmLab.Nn.Gpt;
using LlmLab.Tokenization;
using static TorchSharp.torch;

namespace LlmLab.Interop;

/// <summary>
/// Our GPT and its byte-level BPE tokenizer as a GGUF file that llama.cpp runs (ggml <c>docs/gguf.md</c>; tensor and key
/// names as llama.cpp's <c>llama-arch.cpp</c> spells them):
/// <list type="bullet">
/// <item>architecture <c>gpt2</c> for the GPT-2 shape (learned positions, LayerNorm, GELU): fused <c>attn_qkv</c>, biases
/// everywhere (written as zeros when the model has none, which is the same function);</item>
/// <item>architecture <c>llama</c> for RoPE + RMSNorm + SwiGLU (with GQA): separate q/k/v whose q and k rows are permuted
/// from our "rotate half" pairing (i, i + hs/2) to llama.cpp's adjacent pairs (2i, 2i + 1), as llama.cpp's own
/// <c>convert_hf_to_gguf.py</c> does for Hugging Face Llama weights; the rotation angles are the same;</item>
/// <item>our own keys, which llama.cpp ignores and <see cref="GgufImport"/> reads back: <c>llmlab.activation_function</c>
/// (gpt2: the model's GELU; llama.cpp's gpt2 graph always computes the tanh approximation, so an exact-GELU model runs there
/// with a slightly different function, which <see cref="GgufFileSummary.Note"/> says) and <c>llmlab.rope_scaling</c> (llama:
/// the rescaling as JSON; llama.cpp reads <c>rope.scaling.type/factor</c> for linear and the per-pair divisors of the
/// <c>rope_freqs.weight</c> tensor for llama3, both written here);</item>
/// <item>the tokenizer embedded as <c>tokenizer.ggml.model = gpt2</c> (tokens in GPT-2's byte-to-unicode spelling, token
/// types, merges, special ids, <c>tokenizer.ggml.pre</c> naming llama.cpp's pre-tokenizer for our split pattern, and the
/// chat template in Jinja).</item>
/// </list>
/// Matrices (rank 2) take the requested type (Q8_0/Q4_0 by lab 9.3's <see cref="GgmlBlocks"/>; a matrix whose rows are
/// not a whole number of 32-weight blocks falls back to f16, as llama.cpp's quantizer does); norms and biases stay f32.
/// Stateless and thread-safe (reads the model only).
/// </summary>
public static class GgufExport
{
    /// <summary>The GGUF architecture for <paramref name="config"/>: gpt2 or llama.</summary>
    /// <exception cref="InputException">A mixture of the two shapes, or Mixture-of-Experts, which llama.cpp has no
    /// architecture for in our layout.</exception>
    public static string ArchitectureOf(GptConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.IsMixtureOfExperts) throw new InputException("GGUF export supports dense models only (this one has num_local_experts)");
        if (config is { PositionEmbedding: PositionEmbeddingKind.Learned, Norm: NormalizationKind.LayerNorm, Mlp: FeedForwardKind.Gelu })
            return "gpt2";
        if (config is { PositionEmbedding: PositionEmbeddingKind.Rope, Norm: NormalizationKind.RmsNorm, Mlp: FeedForwardKind.SwiGlu })
            return "llama";
        throw new InputException($"GGUF export knows GPT-2 (learned + layernorm + gelu) and Llama (rope + rmsnorm + swiglu) " +
            $"shapes; this model is " +
            $"{config.PositionEmbedding} + {config.Norm} + {config.Mlp}: train one of those two shapes");
    }

    /// <summary>Writes <paramref name="model"/> and <paramref name="tokenizer"/> to <paramref name="path"/> with matrices in
    /// <paramref name="type"/>; returns what was written.</summary>
    /// <exception cref="InputException">A shape <see cref="ArchitectureOf"/> refuses, a tokenizer larger than the model's
    /// vocabulary, or a split pattern llama.cpp has no pre-tokenizer for.</exception>
    public static GgufFileSummary Write(string path, GptModel model, BpeTokenizer tokenizer, GgmlType type, ChatTemplate? template = null,
        string name = "llmlab")
    {
        var (metadata, tensors) = Build(model, tokenizer, type, template, name);
        GgufWriter.Write(path, metadata, tensors);
        return new GgufFileSummary(ArchitectureOf(model.Config), tensors.Count, tensors.Count(t => t.Type == type),
            tensors.Sum(t => (long)t.Data.Length), new FileInfo(path).Length, NoteFor(model.Config));
    }

    /// <summary>What llama.cpp will compute differently from <paramref name="c"/>, or null.</summary>
    public static string? NoteFor(GptConfig c) =>
        ArchitectureOf(c) == "gpt2" && !c.TanhGelu
            ? "this model uses the exact erf GELU; llama.cpp's gpt2 architecture always computes the tanh approximation " +
              "(GPT-2's gelu_new), so its logits will differ from ours by up to ~1e-3 (the file records activation_function = " +
              "gelu under llmlab.activation_function for LlmLab)"
            : null;

    /// <summary>The metadata and tensors <see cref="Write"/> writes.</summary>
    public static (List<KeyValuePair<string, object>> Metadata, List<GgufTensor> Tensors) Build(GptModel model, BpeTokenizer tokenizer,
        GgmlType type,
        ChatTemplate? template = null, string name = "llmlab")
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var c = model.Config;
        string arch = ArchitectureOf(c);
        var weights = model.named_parameters().ToDictionary(p => p.name, p => Floats(p.parameter), StringComparer.Ordinal);
        var meta = new List<KeyValuePair<string, object>>();
        void Add(string key, object value) => meta.Add(KeyValuePair.Create(key, value));
        Add("general.architecture", arch);
        Add("general.name", name);
        Add("general.file_type", FileType(type));
        Add("general.quantization_version", 2u);
        Add("general.alignment", (uint)GgufWriter.DefaultAlignment);
        Add($"{arch}.vocab_size", (uint)c.VocabSize);
        Add($"{arch}.context_length", (uint)c.Context);
        Add($"{arch}.embedding_length", (uint)c.Width);
        Add($"{arch}.feed_forward_length", (uint)c.FeedForwardWidth);
        Add($"{arch}.block_count", (uint)c.Layers);
        Add($"{arch}.attention.head_count", (uint)c.Heads);
        Add($"{arch}.attention.head_count_kv", (uint)c.KeyValueHeads);
        if (arch == "gpt2")
        {
            Add("gpt2.attention.layer_norm_epsilon", (float)c.NormEps);
            Add("llmlab.activation_function", c.ActivationFunction ?? "gelu");
        }
        else
        {
            Add("llama.attention.layer_norm_rms_epsilon", (float)c.NormEps);
            Add("llama.rope.freq_base", (float)c.RopeTheta);
            Add("llama.rope.dimension_count", (uint)c.HeadSize);
            if (c.RopeScaling is { } scaling)
            {
                Add("llmlab.rope_scaling", System.Text.Json.JsonSerializer.Serialize(scaling));
                if (scaling.Kind == "linear")
                {
                    Add("llama.rope.scaling.type", "linear");
                    Add("llama.rope.scaling.factor", (float)scaling.Factor);
                }
            }
        }
        GgufTokenizerMetadata.Add(meta, tokenizer, c.VocabSize, template);
        var tensors = arch == "gpt2" ? Gpt2Tensors(c, weights, type) : LlamaTensors(c, weights, type);
        if (c.RopeScaling is { Kind: "llama3" } llama3) tensors.Add(Vector("rope_freqs.weight", RopeFreqFactors(c, llama3)));
        return (meta, tensors);
    }

    /// <summary>llama.cpp's per-pair RoPE divisors (<c>rope_freqs.weight</c>, hs/2 values): its rope divides each pair's
    /// angle by them, so each is θᵢ unscaled / θᵢ scaled.</summary>
    internal static float[] RopeFreqFactors(GptConfig c, RopeScaling scaling)
    {
        double[] plain = RopeScaling.InverseFrequencies(c.HeadSize, c.RopeTheta, null);
        double[] scaled = RopeScaling.InverseFrequencies(c.HeadSize, c.RopeTheta, scaling);
        return plain.Zip(scaled, (p, s) => (float)(p / s)).ToArray();
    }

    static List<GgufTensor> Gpt2Tensors(GptConfig c, Dictionary<string, float[]> w, GgmlType type)
    {
        var list = new List<GgufTensor>
        {
            Matrix("token_embd.weight", w["wte.weight"], c.VocabSize, c.Width, type),
            Matrix("position_embd.weight", w["wpe.weight"], c.Context, c.Width, type is GgmlType.F16 ? GgmlType.F16 : GgmlType.F32),
        };
        int qkv = (c.Heads + 2 * c.KeyValueHeads) * c.HeadSize, ff = c.FeedForwardWidth;
        for (int i = 0; i < c.Layers; i++)
        {
            string h = $"h.{i}.", b = $"blk.{i}.";
            list.Add(Vector(b + "attn_norm.weight", w[h + "ln_1.weight"]));
            list.Add(Vector(b + "attn_norm.bias", BiasOrZero(w, h + "ln_1.bias", c.Width)));
            list.Add(Matrix(b + "attn_qkv.weight", w[h + "attn.c_attn.weight"], qkv, c.Width, type));
            list.Add(Vector(b + "attn_qkv.bias", BiasOrZero(w, h + "attn.c_attn.bias", qkv)));
            list.Add(Matrix(b + "attn_output.weight", w[h + "attn.c_proj.weight"], c.Width, c.Width, type));
            list.Add(Vector(b + "attn_output.bias", BiasOrZero(w, h + "attn.c_proj.bias", c.Width)));
            list.Add(Vector(b + "ffn_norm.weight", w[h + "ln_2.weight"]));
            list.Add(Vector(b + "ffn_norm.bias", BiasOrZero(w, h + "ln_2.bias", c.Width)));
            list.Add(Matrix(b + "ffn_up.weight", w[h + "mlp.c_fc.weight"], ff, c.Width, type));
            list.Add(Vector(b + "ffn_up.bias", BiasOrZero(w, h + "mlp.c_fc.bias", ff)));
            list.Add(Matrix(b + "ffn_down.weight", w[h + "mlp.c_proj.weight"], c.Width, ff, type));
            list.Add(Vector(b + "ffn_down.bias", BiasOrZero(w, h + "mlp.c_proj.bias", c.Width)));
        }
        list.Add(Vector("output_norm.weight", w["ln_f.weight"]));
        list.Add(Vector("output_norm.bias", BiasOrZero(w, "ln_f.bias", c.Width)));
        if (!c.TieWordEmbeddings) list.Add(Matrix("output.weight", w["lm_head.weight"], c.VocabSize, c.Width, type));
        return list;
    }

    static List<GgufTensor> LlamaTensors(GptConfig c, Dictionary<string, float[]> w, GgmlType type)
    {
        var list = new List<GgufTensor> { Matrix("token_embd.weight", w["wte.weight"], c.VocabSize, c.Width, type) };
        int hs = c.HeadSize, q = c.Heads * hs, kv = c.KeyValueHeads * hs, ff = c.FeedForwardWidth;
        for (int i = 0; i < c.Layers; i++)
        {
            string h = $"h.{i}.", b = $"blk.{i}.";
            list.Add(Vector(b + "attn_norm.weight", w[h + "ln_1.weight"]));
            float[] qkv = w[h + "attn.c_attn.weight"];
            list.Add(Matrix(b + "attn_q.weight", RopePairsAdjacent(Rows(qkv, 0, q, c.Width), c.Width, hs), q, c.Width, type));
            list.Add(Matrix(b + "attn_k.weight", RopePairsAdjacent(Rows(qkv, q, kv, c.Width), c.Width, hs), kv, c.Width, type));
            list.Add(Matrix(b + "attn_v.weight", Rows(qkv, q + kv, kv, c.Width), kv, c.Width, type));
            if (w.TryGetValue(h + "attn.c_attn.bias", out var bias))
            {
                list.Add(Vector(b + "attn_q.bias", RopePairsAdjacent(Rows(bias, 0, q, 1), 1, hs)));
                list.Add(Vector(b + "attn_k.bias", RopePairsAdjacent(Rows(bias, q, kv, 1), 1, hs)));
                list.Add(Vector(b + "attn_v.bias", Rows(bias, q + kv, kv, 1)));
            }
            list.Add(Matrix(b + "attn_output.weight", w[h + "attn.c_proj.weight"], c.Width, c.Width, type));
            if (w.TryGetValue(h + "attn.c_proj.bias", out var ob)) list.Add(Vector(b + "attn_output.bias", ob));
            list.Add(Vector(b + "ffn_norm.weight", w[h + "ln_2.weight"]));
            list.Add(Matrix(b + "ffn_gate.weight", w[h + "mlp.c_gate.weight"], ff, c.Width, type));
            list.Add(Matrix(b + "ffn_up.weight", w[h + "mlp.c_fc.weight"], ff, c.Width, type));
            list.Add(Matrix(b + "ffn_down.weight", w[h + "mlp.c_proj.weight"], c.Width, ff, type));
            var ffnBiases = new[] { ("mlp.c_gate.bias", "ffn_gate.bias"), ("mlp.c_fc.bias", "ffn_up.bias"), ("mlp.c_proj.bias",
                "ffn_down.bias") };
            foreach (var (ours, theirs) in ffnBiases)
                if (w.TryGetValue(h + ours, out var fb)) list.Add(Vector(b + theirs, fb));
        }
        list.Add(Vector("output_norm.weight", w["ln_f.weight"]));
        if (!c.TieWordEmbeddings) list.Add(Matrix("output.weight", w["lm_head.weight"], c.VocabSize, c.Width, type));
        return list;
    }

    /// <summary>
    /// Reorders the rows of each head of a query/key projection (rows × cols, row-major) from the "rotate half" pairing
    /// (row j with row j + hs/2) to adjacent pairs (rows 2j, 2j + 1): new row 2j = old row j, new row 2j + 1 = old row
    /// j + hs/2. Pair j keeps its angle θ^(−2j/hs) in both conventions, so the attention scores are unchanged.
    /// </summary>
    internal static float[] RopePairsAdjacent(float[] rows, int cols, int headSize)
    {
        var result = new float[rows.Length];
        int half = headSize / 2, heads = rows.Length / cols / headSize;
        for (int h = 0; h < heads; h++)
            for (int j = 0; j < half; j++)
            {
                Array.Copy(rows, (h * headSize + j) * cols, result, (h * headSize + 2 * j) * cols, cols);
                Array.Copy(rows, (h * headSize + j + half) * cols, result, (h * headSize + 2 * j + 1) * cols, cols);
            }
        return result;
    }

    /// <summary>The inverse of <see cref="RopePairsAdjacent"/>.</summary>
    internal static float[] RopePairsHalf(float[] rows, int cols, int headSize)
    {
        var result = new float[rows.Length];
        int half = headSize / 2, heads = rows.Length / cols / headSize;
        for (int h = 0; h < heads; h++)
            for (int j = 0; j < half; j++)
            {
                Array.Copy(rows, (h * headSize + 2 * j) * cols, result, (h * headSize + j) * cols, cols);
                Array.Copy(rows, (h * headSize + 2 * j + 1) * cols, result, (h * headSize + j + half) * cols, cols);
            }
        return result;
    }

    static float[] Rows(float[] m, int first, int count, int cols) => m.AsSpan(first * cols, count * cols).ToArray();

    static float[] BiasOrZero(Dictionary<string, float[]> w, string name, int n) => w.TryGetValue(name, out var b) ? b : new float[n];

    /// <summary>A (rows, cols) row-major matrix as ggml's [cols, rows] in <paramref name="type"/> (f16 when a quantized type
    /// does not divide the rows into blocks).</summary>
    static GgufTensor Matrix(string name, float[] data, long rows, long cols, GgmlType type)
    {
        if (data.LongLength != rows * cols) throw new InvalidOperationException($"{name}: {data.Length} values for ({rows}, {cols})");
        if (type is GgmlType.Q8_0 or GgmlType.Q4_0 && cols % GgmlBlocks.BlockSize != 0) type = GgmlType.F16;
        return new GgufTensor(name, [cols, rows], type, Encode(data, type));
    }

    static GgufTensor Vector(string name, float[] data) => new(name, [data.Length], GgmlType.F32, Encode(data, GgmlType.F32));

    /// <summary>fp32 values in <paramref name="type"/>'s bytes.</summary>
    public static byte[] Encode(float[] data, GgmlType type) => type switch
    {
        GgmlType.F32 => MemoryMarshal.AsBytes(data.AsSpan()).ToArray(),
        GgmlType.F16 => MemoryMarshal.AsBytes(data.Select(v => (Half)v).ToArray().AsSpan()).ToArray(),
        GgmlType.Q8_0 => GgmlBlocks.QuantizeQ8_0(data),
        GgmlType.Q4_0 => GgmlBlocks.QuantizeQ4_0(data),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>llama.cpp's <c>llama_ftype</c> for a file whose matrices are <paramref name="type"/>.</summary>
    static uint FileType(GgmlType type) => type switch { GgmlType.F32 => 0u, GgmlType.F16 => 1u, GgmlType.Q4_0 => 2u, _ => 7u };

    static float[] Floats(Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.detach().cpu().to(ScalarType.Float32).contiguous().data<float>().ToArray();
    }
}
