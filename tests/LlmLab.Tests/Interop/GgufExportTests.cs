using LlmLab.Inference;
using LlmLab.Inference.Quantization;
using LlmLab.Interop;
using LlmLab.Nn.Gpt;
using LlmLab.Tests.Text;
using static TorchSharp.torch;

namespace LlmLab.Tests.Interop;

/// <summary>Our GPT as GGUF and back: llama.cpp's names, shapes and keys; the same logits after the round trip; the
/// quantized types equal to lab 9.3's block encoder; the RoPE row permutation checked against the rotation itself.</summary>
public sealed class GgufExportTests
{
    [Theory]
    [InlineData("gpt2")]
    [InlineData("gpt2-untied-nobias")]
    [InlineData("llama")]
    public void An_f32_export_loads_back_with_the_same_logits_and_tokenizer(string shape)
    {
        using var dir = new TempDir();
        using var model = GgufFixtures.Model(shape);
        string path = Path.Combine(dir.Path, "m.gguf");
        GgufExport.Write(path, model, GgufFixtures.Tokenizer, GgmlType.F32, ChatTemplate.Chat);
        var (back, tokenizer) = GgufImport.Load(path);
        using (back)
        {
            back.eval();
            int[] ids = GgufFixtures.Prompt;
            Assert.Equal(ids, tokenizer.Encode("<|user|>What is 12 plus 30?<|end|><|assistant|>The answer is 42."));
            Assert.Equal(GgufFixtures.Tokenizer.SpecialTokens.OrderBy(kv => kv.Value), tokenizer.SpecialTokens.OrderBy(kv => kv.Value));
            float[] expected = GgufFixtures.Logits(model, ids), actual = GgufFixtures.Logits(back, ids);
            float max = expected.Zip(actual).Max(p => MathF.Abs(p.First - p.Second));
            Assert.True(max <= 1e-6f, $"max |Δlogit| = {max}");
        }
    }

    [Theory]
    [InlineData("gpt2", new[] { "token_embd.weight", "position_embd.weight", "blk.0.attn_norm.weight", "blk.0.attn_norm.bias",
        "blk.0.attn_qkv.weight", "blk.0.attn_qkv.bias", "blk.0.attn_output.weight", "blk.0.attn_output.bias", "blk.0.ffn_norm.weight",
        "blk.0.ffn_norm.bias", "blk.0.ffn_up.weight", "blk.0.ffn_up.bias", "blk.0.ffn_down.weight", "blk.0.ffn_down.bias" })]
    [InlineData("llama", new[] { "token_embd.weight", "blk.0.attn_norm.weight", "blk.0.attn_q.weight", "blk.0.attn_k.weight",
        "blk.0.attn_v.weight", "blk.0.attn_output.weight", "blk.0.ffn_norm.weight", "blk.0.ffn_gate.weight", "blk.0.ffn_up.weight",
        "blk.0.ffn_down.weight" })]
    public void Names_shapes_and_keys_are_llama_cpp_s(string shape, string[] layer0)
    {
        using var model = GgufFixtures.Model(shape);
        var c = model.Config;
        var (meta, tensors) = GgufExport.Build(model, GgufFixtures.Tokenizer, GgmlType.F32, ChatTemplate.Chat);
        var names = tensors.Select(t => t.Name).ToList();
        // llama-arch.cpp's names for block 0 and the output, in the order llama.cpp lists them.
        Assert.Equal(layer0, names.Where(n => !n.StartsWith("blk.", StringComparison.Ordinal) || n.StartsWith("blk.0.", StringComparison.Ordinal))
            .Where(n => !n.StartsWith("output", StringComparison.Ordinal)));
        Assert.Contains("output_norm.weight", names);
        Assert.DoesNotContain("output.weight", names); // tied: llama.cpp reuses token_embd
        Assert.Equal(c.Layers * (layer0.Length - (shape == "gpt2" ? 2 : 1)) + (shape == "gpt2" ? 4 : 2), tensors.Count);
        Assert.Equal([c.Width, c.VocabSize], tensors.Single(t => t.Name == "token_embd.weight").Dimensions);
        var m = meta.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal(shape, m["general.architecture"]);
        Assert.Equal((uint)c.Context, m[$"{shape}.context_length"]);
        Assert.Equal((uint)c.Width, m[$"{shape}.embedding_length"]);
        Assert.Equal((uint)c.Layers, m[$"{shape}.block_count"]);
        Assert.Equal((uint)c.FeedForwardWidth, m[$"{shape}.feed_forward_length"]);
        Assert.Equal((uint)c.KeyValueHeads, m[$"{shape}.attention.head_count_kv"]);
        Assert.Equal("gpt2", m["tokenizer.ggml.model"]);
        Assert.Equal("llama-bpe", m["tokenizer.ggml.pre"]); // the fixture tokenizer splits with GPT-4's (cl100k) pattern
        var tokens = (string[])m["tokenizer.ggml.tokens"];
        Assert.Equal(c.VocabSize, tokens.Length);
        Assert.Equal("Ġ", tokens[GgufFixtures.Tokenizer.Encode(" ")[0]]); // GPT-2's byte-to-unicode spelling
        var types = (int[])m["tokenizer.ggml.token_type"];
        Assert.Equal(3, types[GgufFixtures.Tokenizer.SpecialTokens["<|end|>"]]);
        Assert.Equal(5, types[^1]); // ids past the tokenizer: unused
        Assert.Equal((uint)GgufFixtures.Tokenizer.SpecialTokens["<|end|>"], m["tokenizer.ggml.eos_token_id"]);
        Assert.Contains("<|assistant|>", (string)m["tokenizer.chat_template"]);
        if (shape == "llama")
        {
            Assert.Equal((uint)c.HeadSize, m["llama.rope.dimension_count"]);
            Assert.Equal(5000f, m["llama.rope.freq_base"]);
            Assert.Equal([c.Width, c.KeyValueHeads * c.HeadSize], tensors.Single(t => t.Name == "blk.0.attn_k.weight").Dimensions);
        }
        else Assert.Equal([c.Width, 3 * c.Width], tensors.Single(t => t.Name == "blk.0.attn_qkv.weight").Dimensions);
    }

    [Theory]
    [InlineData(GgmlType.Q8_0)]
    [InlineData(GgmlType.Q4_0)]
    [InlineData(GgmlType.F16)]
    public void Quantized_matrices_are_lab_9_3_s_blocks_and_load_back_dequantized(GgmlType type)
    {
        using var dir = new TempDir();
        using var model = GgufFixtures.Model("gpt2");
        string path = Path.Combine(dir.Path, "q.gguf");
        var summary = GgufExport.Write(path, model, GgufFixtures.Tokenizer, type);
        var file = GgufFile.Open(path);
        var up = file.Tensor("blk.1.ffn_up.weight");
        Assert.Equal(type, up.Type);
        float[] weights = Weights(model)["h.1.mlp.c_fc.weight"];
        byte[] expected = type switch
        {
            GgmlType.Q8_0 => GgmlBlocks.QuantizeQ8_0(weights),
            GgmlType.Q4_0 => GgmlBlocks.QuantizeQ4_0(weights),
            _ => weights.SelectMany(v => BitConverter.GetBytes((Half)v)).ToArray(),
        };
        Assert.Equal(expected, file.ReadBytes(up));
        Assert.Equal(GgmlType.F32, file.Tensor("blk.1.ffn_up.bias").Type); // vectors stay f32
        Assert.Equal(1 + 4 * 2 + (type == GgmlType.F16 ? 1 : 0), summary.TensorsInType); // token_embd, 4 matrices a block (+ positions in f16)
        var (back, _) = GgufImport.Load(path);
        using (back) Assert.Equal(file.ReadFloats(up), Weights(back)["h.1.mlp.c_fc.weight"]);
    }

    [Fact]
    public void The_row_permutation_turns_rotate_half_RoPE_into_llama_cpp_s_adjacent_pairs()
    {
        // q (one head, hs = 8) rotated by our RoPE ("rotate half": pairs (i, i + hs/2)) must equal, after the permutation,
        // the permuted q rotated with adjacent pairs (2i, 2i + 1) at the same angles θ^(−2i/hs): llama.cpp's normal mode.
        const int hs = 8, t = 5;
        var rng = new Random(3);
        float[] q = Enumerable.Range(0, t * hs).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        using var rope = new RotaryEmbedding(hs, 16, 10000);
        using var x = tensor(q, [1, 1, t, hs]);
        float[] ours = rope.Apply(x, 0).data<float>().ToArray();
        for (int p = 0; p < t; p++)
        {
            // Rows are positions here, so the per-head row permutation is applied to each position's hs channels (cols = 1).
            float[] permuted = GgufExport.RopePairsAdjacent(q.AsSpan(p * hs, hs).ToArray(), 1, hs);
            var adjacent = new float[hs];
            for (int i = 0; i < hs / 2; i++)
            {
                double angle = p * Math.Pow(10000, -2.0 * i / hs);
                float c = (float)Math.Cos(angle), s = (float)Math.Sin(angle), a = permuted[2 * i], b = permuted[2 * i + 1];
                (adjacent[2 * i], adjacent[2 * i + 1]) = (a * c - b * s, b * c + a * s);
            }
            float[] expected = GgufExport.RopePairsAdjacent(ours.AsSpan(p * hs, hs).ToArray(), 1, hs);
            for (int i = 0; i < hs; i++) Assert.True(MathF.Abs(expected[i] - adjacent[i]) < 1e-6f, $"position {p} channel {i}: " +
                $"{expected[i]} vs {adjacent[i]}");
            Assert.Equal(q.AsSpan(p * hs, hs).ToArray(), GgufExport.RopePairsHalf(permuted, 1, hs));
        }
    }

    [Fact]
    public void A_shape_llama_cpp_cannot_run_is_refused_by_name()
    {
        using var model = GgufFixtures.Model("gpt2");
        var e = Assert.Throws<InputException>(() => GgufExport.ArchitectureOf(model.Config with { PositionEmbedding = PositionEmbeddingKind.Rope }));
        Assert.Contains("rope + layernorm", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    static Dictionary<string, float[]> Weights(GptModel m) =>
        m.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().contiguous().data<float>().ToArray());
}
