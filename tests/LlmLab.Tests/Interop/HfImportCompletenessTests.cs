using System.Text.Json.Nodes;
using LlmLab.Interop;
using LlmLab.Nn.Gpt;
using LlmLab.Tests.Text;

namespace LlmLab.Tests.Interop;

/// <summary>What real Hugging Face configs carry beyond the shape: GPT-2's activation_function, Llama 3's rope_scaling,
/// an explicit head_dim; and the same keys through GGUF (llama.cpp's GELU, rope_freqs).</summary>
public sealed class HfImportCompletenessTests
{
    static RopeScaling Llama3 => new()
    {
        RopeType = "llama3", Factor = 8, LowFreqFactor = 1, HighFreqFactor = 4, OriginalMaxPositionEmbeddings = 32,
    };

    static string WriteConfig(TempDir dir, JsonObject config)
    {
        File.WriteAllText(Path.Combine(dir.Path, "config.json"), config.ToJsonString());
        return dir.Path;
    }

    static JsonObject Gpt2Config() => new()
    {
        ["model_type"] = "gpt2", ["vocab_size"] = 100, ["n_positions"] = 32, ["n_embd"] = 64, ["n_layer"] = 1, ["n_head"] = 4,
    };

    static JsonObject LlamaConfig() => new()
    {
        ["model_type"] = "llama", ["vocab_size"] = 100, ["max_position_embeddings"] = 32, ["hidden_size"] = 64,
        ["num_hidden_layers"] = 1, ["num_attention_heads"] = 4, ["intermediate_size"] = 96, ["rms_norm_eps"] = 1e-6,
    };

    [Theory]
    [InlineData(null, "gelu_new")]           // transformers' GPT2Config default, which the released gpt2 relies on
    [InlineData("gelu_new", "gelu_new")]
    [InlineData("gelu_pytorch_tanh", "gelu_pytorch_tanh")]
    [InlineData("gelu_fast", "gelu_new")]
    [InlineData("gelu", null)]               // exact erf, as our own exports say
    public void Gpt2_configs_say_which_gelu(string? hf, string? ours)
    {
        using var dir = new TempDir();
        var json = Gpt2Config();
        if (hf is not null) json["activation_function"] = hf;
        Assert.Equal(ours, HfImport.ReadConfig(WriteConfig(dir, json)).ActivationFunction);
    }

    [Fact]
    public void A_gpt2_activation_that_is_not_gelu_is_refused_by_key()
    {
        using var dir = new TempDir();
        var json = Gpt2Config();
        json["activation_function"] = "relu";
        var e = Assert.Throws<InputException>(() => HfImport.ReadConfig(WriteConfig(dir, json)));
        Assert.Contains("activation_function 'relu'", e.Message);
    }

    [Fact]
    public void A_tanh_gelu_model_exports_its_key_and_loads_back_with_the_same_logits()
    {
        using var dir = new TempDir();
        using var model = GptTestModelsFor(GgufFixtures.Config("gpt2") with { ActivationFunction = "gelu_new" });
        HfExport.Write(dir.Path, model, GgufFixtures.Tokenizer);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.Path, "config.json")))!;
        Assert.Equal("gelu_new", (string?)config["activation_function"]);
        var (back, _, _) = HfImport.Load(dir.Path);
        using (back)
        {
            Assert.True(back.Config.TanhGelu);
            AssertSameLogits(model, back, 1e-6f);
        }
    }

    [Fact]
    public void Llama3_rope_scaling_is_read_written_and_computed()
    {
        using var dir = new TempDir();
        using var model = GptTestModelsFor(GgufFixtures.Config("llama") with { RopeScaling = Llama3 });
        HfExport.Write(dir.Path, model, GgufFixtures.Tokenizer);
        var scaling = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.Path, "config.json")))!["rope_scaling"]!;
        Assert.Equal("llama3", (string?)scaling["rope_type"]);
        Assert.Equal(32, (int)scaling["original_max_position_embeddings"]!);
        var (back, _, _) = HfImport.Load(dir.Path);
        using (back)
        {
            Assert.Equal(Llama3, back.Config.RopeScaling);
            AssertSameLogits(model, back, 1e-6f);
        }
    }

    [Theory]
    [InlineData("yarn", "rope_scaling.rope_type 'yarn'")]
    [InlineData("dynamic", "rope_scaling.rope_type 'dynamic'")]
    public void Rope_scaling_we_do_not_compute_is_refused_by_key(string type, string message)
    {
        using var dir = new TempDir();
        var json = LlamaConfig();
        json["rope_scaling"] = new JsonObject { ["rope_type"] = type, ["factor"] = 4.0 };
        var e = Assert.Throws<InputException>(() => HfImport.ReadConfig(WriteConfig(dir, json)));
        Assert.Contains(message, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Linear_and_default_rope_scaling_are_read()
    {
        using var dir = new TempDir();
        var json = LlamaConfig();
        json["rope_scaling"] = new JsonObject { ["type"] = "linear", ["factor"] = 2.0 };
        Assert.Equal(2.0, HfImport.ReadConfig(WriteConfig(dir, json)).RopeScaling!.Factor);
        json["rope_scaling"] = new JsonObject { ["rope_type"] = "default" };
        Assert.Null(HfImport.ReadConfig(WriteConfig(dir, json)).RopeScaling);
    }

    [Fact]
    public void An_explicit_head_dim_is_accepted_when_it_is_hidden_over_heads_and_refused_by_key_otherwise()
    {
        using var dir = new TempDir();
        var json = LlamaConfig();
        json["head_dim"] = 16;
        Assert.Equal(16, HfImport.ReadConfig(WriteConfig(dir, json)).HeadSize);
        json["head_dim"] = 32;
        var e = Assert.Throws<InputException>(() => HfImport.ReadConfig(WriteConfig(dir, json)));
        Assert.Contains("head_dim 32", e.Message);
        Assert.Contains("hidden_size / num_attention_heads (16)", e.Message);
    }

    [Fact]
    public void A_gguf_export_of_an_exact_gelu_gpt2_says_llama_cpp_uses_tanh()
    {
        using var dir = new TempDir();
        using var exact = GgufFixtures.Model("gpt2");
        string path = Path.Combine(dir.Path, "m.gguf");
        var summary = GgufExport.Write(path, exact, GgufFixtures.Tokenizer, GgmlType.F32);
        Assert.Contains("tanh approximation", summary.Note!);
        Assert.Equal("gelu", GgufFile.Open(path).Get("llmlab.activation_function"));
        var (ours, _) = GgufImport.Load(path);
        using (ours) Assert.False(ours.Config.TanhGelu);                // the model as we wrote it
        var (theirs, _) = GgufImport.Load(path, asLlamaCpp: true);
        using (theirs) Assert.True(theirs.Config.TanhGelu);             // the function llama.cpp computes from it
        using var tanh = GptTestModelsFor(GgufFixtures.Config("gpt2") with { ActivationFunction = "gelu_new" });
        Assert.Null(GgufExport.Write(path, tanh, GgufFixtures.Tokenizer, GgmlType.F32).Note);
    }

    [Fact]
    public void A_gguf_export_carries_llama3_rope_scaling_as_llama_cpp_s_rope_freqs()
    {
        using var dir = new TempDir();
        var config = GgufFixtures.Config("llama") with { RopeScaling = Llama3 };
        using var model = GptTestModelsFor(config);
        string path = Path.Combine(dir.Path, "m.gguf");
        GgufExport.Write(path, model, GgufFixtures.Tokenizer, GgmlType.F32);
        var file = GgufFile.Open(path);
        float[] freqs = file.ReadFloats(file.Tensor("rope_freqs.weight"));
        double[] plain = RopeScaling.InverseFrequencies(config.HeadSize, config.RopeTheta, null);
        double[] scaled = RopeScaling.InverseFrequencies(config.HeadSize, config.RopeTheta, Llama3);
        Assert.Equal(config.HeadSize / 2, freqs.Length);
        for (int i = 0; i < freqs.Length; i++) Assert.Equal(plain[i] / scaled[i], freqs[i], 1e-4);
        Assert.Equal(1f, freqs[0]);   // the fastest pair is kept
        Assert.Equal(8f, freqs[^1]);  // the slowest is divided by the factor
        var (back, _) = GgufImport.Load(path);
        using (back)
        {
            Assert.Equal(Llama3, back.Config.RopeScaling);
            AssertSameLogits(model, back, 1e-6f);
        }
    }

    static GptModel GptTestModelsFor(GptConfig config) => LlmLab.Tests.Nn.GptTestModels.BuildIdentical(config);

    static void AssertSameLogits(GptModel expected, GptModel actual, float tolerance)
    {
        float[] a = GgufFixtures.Logits(expected, GgufFixtures.Prompt), b = GgufFixtures.Logits(actual, GgufFixtures.Prompt);
        float max = a.Zip(b).Max(p => MathF.Abs(p.First - p.Second));
        Assert.True(max <= tolerance, $"max |Δlogit| = {max}");
    }
}
