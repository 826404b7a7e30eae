using LlmLab.Nn.Attention;
using LlmLab.Nn.Gpt;

namespace LlmLab.Tests.Nn;

public sealed class GptConfigTests
{
    public static TheoryData<string, string> BadConfigs => new()
    {
        { """{"n_embd": 100, "n_head": 3}""", "n_embd (100) must be divisible by n_head (3)" },
        { """{"n_head": 12, "n_kv_heads": 5}""", "n_kv_heads (5) must divide n_head (12)" },
        { """{"vocab_size": -1}""", "vocab_size must be >= 1 (got -1)" },
        { """{"n_layer": 0}""", "n_layer must be >= 1 (got 0)" },
        { """{"n_positions": -5}""", "n_positions must be >= 1" },
        { """{"n_embd": 30, "n_head": 10, "position_embedding": "rope"}""", "rope needs an even head size" },
        { """{"dropout": 1.5}""", "dropout must be in [0, 1)" },
        { """{"intermediate_size": 0}""", "intermediate_size must be >= 1" },
    };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public void Bad_shapes_are_refused_naming_the_field(string json, string message)
    {
        var e = Assert.Throws<InputException>(() => GptConfig.FromJson(json, "my/config.json"));
        Assert.Contains(message, e.Message);
        Assert.StartsWith("my/config.json: ", e.Message);
    }

    [Fact]
    public void A_model_refuses_a_bad_config_at_construction()
    {
        Assert.Contains("n_embd (100) must be divisible by n_head (3)",
            Assert.Throws<InputException>(() => new GptModel(GptTestModels.Tiny with { Width = 100, Heads = 3 })).Message);
        Assert.Contains("n_kv_heads (3) must divide n_head (4)",
            Assert.Throws<InputException>(() => new GptModel(GptTestModels.Tiny with { KvHeads = 3 })).Message);
        Assert.Contains("vocab_size must be >= 1",
            Assert.Throws<InputException>(() => GptSizing.ParameterCount(GptTestModels.Tiny with { VocabSize = 0 })).Message);
    }

    [Fact]
    public void Config_json_round_trips_with_hf_names()
    {
        var config = GptTestModels.Tiny with
        {
            KvHeads = 2, PositionEmbedding = PositionEmbeddingKind.Rope, Mlp = FeedForwardKind.SwiGlu, Norm = NormalizationKind.RmsNorm,
            Attention = AttentionKernel.Sdpa, Dropout = 0.1, Bias = false,
        };
        string json = config.ToJson();
        foreach (string s in new[] { "\"vocab_size\": 50", "\"n_positions\": 32", "\"n_embd\": 32", "\"n_layer\": 2", "\"n_head\": 4",
                     "\"n_kv_heads\": 2", "\"position_embedding\": \"rope\"", "\"mlp\": \"swiglu\"", "\"norm\": \"rmsnorm\"",
                     "\"attention\": \"sdpa\"", "\"tie_word_embeddings\": true", "\"bias\": false" })
            Assert.Contains(s, json);
        Assert.Equal(config, GptConfig.FromJson(json));
        string path = Path.Combine(Path.GetTempPath(), $"llmlab-gpt-config-{Guid.NewGuid():N}.json");
        try
        {
            config.Save(path);
            Assert.Equal(config, GptConfig.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Llama_style_names_are_read_as_ours()
    {
        var c = GptConfig.FromJson("""
            {"model_type": "llama", "vocab_size": 100, "max_position_embeddings": 64, "hidden_size": 64, "num_hidden_layers": 2,
             "num_attention_heads": 8, "num_key_value_heads": 2, "intermediate_size": 172, "position_embedding": "rope"}
            """);
        Assert.Equal((64, 64, 2, 8, 2, 172), (c.Context, c.Width, c.Layers, c.Heads, c.KeyValueHeads, c.FeedForwardWidth));
        var e = Assert.Throws<InputException>(() => GptConfig.FromJson("""{"n_embd": 64, "hidden_size": 32}"""));
        Assert.Contains("hidden_size (32) and n_embd (64) name the same setting", e.Message);
    }

    [Fact]
    public void Unknown_keys_and_values_are_errors_not_ignored()
    {
        Assert.Contains("n_embed", Assert.Throws<InputException>(() => GptConfig.FromJson("""{"n_embed": 64}""")).Message);
        Assert.Contains("attention", Assert.Throws<InputException>(() => GptConfig.FromJson("""{"attention": "flash"}""")).Message);
        Assert.Contains("not valid JSON", Assert.Throws<InputException>(() => GptConfig.FromJson("{")).Message);
        Assert.Contains("does not exist", Assert.Throws<InputException>(() => GptConfig.Load("/nonexistent/config.json")).Message);
    }

    [Fact]
    public void Defaults_are_gpt2_small_and_the_shakespeare_preset_is_nanogpts()
    {
        var g = GptConfig.Gpt2Small;
        Assert.Equal((50257, 1024, 768, 12, 12, 64, 3072), (g.VocabSize, g.Context, g.Width, g.Layers, g.Heads, g.HeadSize, g.FeedForwardWidth));
        var s = GptConfig.ShakespeareChar(65);
        Assert.Equal((65, 256, 384, 6, 6, 0.2), (s.VocabSize, s.Context, s.Width, s.Layers, s.Heads, s.Dropout));
        // nanoGPT prints "number of parameters: 10.65M" for it (non-embedding count, wpe excluded).
        Assert.Equal(10.65, Math.Round(GptSizing.NonEmbeddingParameterCount(s) / 1e6, 2));
    }
}
