using System.Text;
using System.Text.Json.Nodes;
using LlmLab.Inference;
using LlmLab.Interop;
using LlmLab.Tests.Text;

namespace LlmLab.Tests.Interop;

/// <summary>Hugging Face folders out and back in: transformers' tensor names, shapes and config keys, the same logits after
/// the round trip (also from shards and half precision), and a safetensors reader that refuses damaged headers.</summary>
public sealed class HfFolderTests
{
    [Theory]
    [InlineData("gpt2")]
    [InlineData("gpt2-untied-nobias")]
    [InlineData("llama")]
    public void An_export_loads_back_with_the_same_logits_tokenizer_and_template(string shape)
    {
        using var dir = new TempDir();
        using var model = GgufFixtures.Model(shape);
        HfExport.Write(dir.Path, model, GgufFixtures.Tokenizer, ChatTemplate.Chat);
        Assert.Equal(["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"],
            Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var (back, tokenizer, template) = HfImport.Load(dir.Path);
        using (back)
        {
            Assert.Same(ChatTemplate.Chat, template);
            Assert.Equal(GgufFixtures.Prompt, tokenizer.Encode("<|user|>What is 12 plus 30?<|end|><|assistant|>The answer is 42."));
            float[] expected = GgufFixtures.Logits(model, GgufFixtures.Prompt), actual = GgufFixtures.Logits(back, GgufFixtures.Prompt);
            float max = expected.Zip(actual).Max(p => MathF.Abs(p.First - p.Second));
            Assert.True(max <= 1e-6f, $"max |Δlogit| = {max}");
        }
    }

    [Fact]
    public void Gpt2_tensors_have_transformers_names_shapes_and_conv1d_layout()
    {
        using var model = GgufFixtures.Model("gpt2");
        var c = model.Config;
        var t = HfExport.Tensors(model).ToDictionary(x => x.Name, x => x.Shape);
        // modeling_gpt2.py (GPT2LMHeadModel): Conv1D weights are (in, out).
        long d = c.Width, v = c.VocabSize;
        var expected = new Dictionary<string, long[]>
        {
            ["transformer.wte.weight"] = [v, d], ["transformer.wpe.weight"] = [c.Context, d],
            ["transformer.ln_f.weight"] = [d], ["transformer.ln_f.bias"] = [d],
        };
        for (int i = 0; i < c.Layers; i++)
        {
            string h = $"transformer.h.{i}.";
            (expected[h + "ln_1.weight"], expected[h + "ln_1.bias"], expected[h + "ln_2.weight"], expected[h + "ln_2.bias"]) = ([d], [d], [d], [d]);
            (expected[h + "attn.c_attn.weight"], expected[h + "attn.c_attn.bias"]) = ([d, 3 * d], [3 * d]);
            (expected[h + "attn.c_proj.weight"], expected[h + "attn.c_proj.bias"]) = ([d, d], [d]);
            (expected[h + "mlp.c_fc.weight"], expected[h + "mlp.c_fc.bias"]) = ([d, 4 * d], [4 * d]);
            (expected[h + "mlp.c_proj.weight"], expected[h + "mlp.c_proj.bias"]) = ([4 * d, d], [d]);
        }
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), t.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, shape) in expected) Assert.Equal(shape, t[name]);
        var config = HfExport.Config(c, GgufFixtures.Tokenizer);
        Assert.Equal("gpt2", (string?)config["model_type"]);
        Assert.Equal("gelu", (string?)config["activation_function"]); // the exact erf GELU our MLP uses
        Assert.Equal(c.Width, (int)config["n_embd"]!);
    }

    [Fact]
    public void Llama_tensors_have_transformers_names_and_shapes()
    {
        using var model = GgufFixtures.Model("llama");
        var c = model.Config;
        var t = HfExport.Tensors(model).ToDictionary(x => x.Name, x => x.Shape);
        long d = c.Width, hs = c.HeadSize, ff = c.FeedForwardWidth;
        var expected = new Dictionary<string, long[]> { ["model.embed_tokens.weight"] = [c.VocabSize, d], ["model.norm.weight"] = [d] };
        for (int i = 0; i < c.Layers; i++)
        {
            string l = $"model.layers.{i}.";
            (expected[l + "input_layernorm.weight"], expected[l + "post_attention_layernorm.weight"]) = ([d], [d]);
            expected[l + "self_attn.q_proj.weight"] = [c.Heads * hs, d];
            (expected[l + "self_attn.k_proj.weight"], expected[l + "self_attn.v_proj.weight"]) = ([c.KeyValueHeads * hs, d], [c.KeyValueHeads * hs, d]);
            expected[l + "self_attn.o_proj.weight"] = [d, d];
            (expected[l + "mlp.gate_proj.weight"], expected[l + "mlp.up_proj.weight"], expected[l + "mlp.down_proj.weight"]) = ([ff, d], [ff, d], [d, ff]);
        }
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), t.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, shape) in expected) Assert.Equal(shape, t[name]);
        var config = HfExport.Config(c, GgufFixtures.Tokenizer);
        Assert.Equal(c.KeyValueHeads, (int)config["num_key_value_heads"]!);
        Assert.Equal(5000.0, (double)config["rope_theta"]!);
    }

    [Fact]
    public void Sharded_half_precision_weights_load_through_the_index()
    {
        using var dir = new TempDir();
        using var model = GgufFixtures.Model("llama");
        HfExport.Write(dir.Path, model, GgufFixtures.Tokenizer);
        var tensors = HfExport.Tensors(model);
        File.Delete(Path.Combine(dir.Path, "model.safetensors"));
        // Two shards: the first in BF16, the second in F16, written by hand (our writer writes F32 only).
        var map = new JsonObject();
        var halves = new[] { tensors.Take(tensors.Count / 2).ToList(), tensors.Skip(tensors.Count / 2).ToList() };
        for (int s = 0; s < 2; s++)
        {
            string file = $"model-0000{s + 1}-of-00002.safetensors";
            WriteHalf(Path.Combine(dir.Path, file), halves[s], bf16: s == 0);
            foreach (var t in halves[s]) map[t.Name] = file;
        }
        File.WriteAllText(Path.Combine(dir.Path, "model.safetensors.index.json"), new JsonObject { ["metadata"] = new JsonObject(), ["weight_map"] = map }.ToJsonString());
        var (back, _, _) = HfImport.Load(dir.Path);
        using (back)
        {
            float[] expected = GgufFixtures.Logits(model, GgufFixtures.Prompt), actual = GgufFixtures.Logits(back, GgufFixtures.Prompt);
            // bf16 keeps 8 bits of mantissa: the logits move, but not by more than a few hundredths here.
            float max = expected.Zip(actual).Max(p => MathF.Abs(p.First - p.Second));
            Assert.True(max is > 0 and < 0.05f, $"max |Δlogit| = {max}");
        }
        using var shard = SafetensorsFile.Open(Path.Combine(dir.Path, "model-00001-of-00002.safetensors"));
        var first = halves[0][0];
        float[] bf = shard.ReadFloats(first.Name);
        Assert.Equal(first.Values.Select(x => BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(x) & unchecked((int)0xFFFF0000))), bf);
    }

    /// <summary>A safetensors file with every tensor in F16 or BF16 (bf16 by truncation: exact for the values it keeps).</summary>
    static void WriteHalf(string path, List<(string Name, long[] Shape, float[] Values)> tensors, bool bf16)
    {
        var header = new JsonObject();
        long offset = 0;
        foreach (var (name, shape, values) in tensors)
        {
            header[name] = new JsonObject
            {
                ["dtype"] = bf16 ? "BF16" : "F16", ["shape"] = new JsonArray(shape.Select(x => (JsonNode)x).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + 2L * values.Length),
            };
            offset += 2L * values.Length;
        }
        byte[] h = Encoding.UTF8.GetBytes(header.ToJsonString());
        using var w = new BinaryWriter(File.Create(path));
        w.Write((ulong)h.Length);
        w.Write(h);
        foreach (var (_, _, values) in tensors)
            foreach (float x in values) w.Write(bf16 ? (ushort)(BitConverter.SingleToInt32Bits(x) >>> 16) : BitConverter.HalfToUInt16Bits((Half)x));
    }

    [Fact]
    public void A_truncated_or_lying_safetensors_header_is_a_one_line_input_error()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "t.safetensors");
        SafetensorsWriter.Write(path, [("a", [2, 2], [1f, 2f, 3f, 4f]), ("b", [3], [5f, 6f, 7f])]);
        using (var ok = SafetensorsFile.Open(path)) Assert.Equal([5f, 6f, 7f], ok.ReadFloats("b"));
        byte[] full = File.ReadAllBytes(path);
        string cut = Path.Combine(dir.Path, "cut.safetensors");
        for (int n = 0; n < full.Length; n++)
        {
            File.WriteAllBytes(cut, full[..n]);
            var e = Assert.Throws<InputException>(() => SafetensorsFile.Open(cut).Dispose());
            Assert.DoesNotContain('\n', e.Message);
        }
        int headerLength = (int)BitConverter.ToUInt64(full);
        string header = Encoding.UTF8.GetString(full, 8, headerLength);
        foreach (var (from, to, expected) in new[]
        {
            ("[0,16]", "[0,17]", "range holds"),              // a range of the wrong size
            ("[16,28]", "[16,2800]", "outside"),                // past the data
            ("[16,28]", "[12,24]", "overlap"),                  // overlapping ranges
            ("\"F32\"", "\"Q9\"", "dtype"),                     // an unknown dtype
        })
        {
            Assert.Contains(from, header);
            byte[] lying = Encoding.UTF8.GetBytes(header.Replace(from, to, StringComparison.Ordinal));
            byte[] bytes = [.. BitConverter.GetBytes((ulong)lying.Length), .. lying, .. full[(8 + headerLength)..]];
            File.WriteAllBytes(cut, bytes);
            var e = Assert.Throws<InputException>(() => SafetensorsFile.Open(cut).Dispose());
            Assert.Contains(expected, e.Message);
        }
        byte[] huge = [.. full];
        BitConverter.TryWriteBytes(huge.AsSpan(), 1UL << 40);
        File.WriteAllBytes(cut, huge);
        Assert.Contains("truncated", Assert.Throws<InputException>(() => SafetensorsFile.Open(cut).Dispose()).Message);
    }
}
