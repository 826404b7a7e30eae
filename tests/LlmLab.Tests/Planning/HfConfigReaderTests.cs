using LlmLab.Planning;

namespace LlmLab.Tests.Planning;

public sealed class HfConfigReaderTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("llmlab-hfconfig-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string Write(string json, string name = "config.json")
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, json);
        return path;
    }

    // The fields of meta-llama/Llama-2-7b-hf's config.json that matter (others ignored).
    const string Llama2Config = """
        { "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu", "hidden_size": 4096,
          "intermediate_size": 11008, "max_position_embeddings": 4096, "num_attention_heads": 32,
          "num_hidden_layers": 32, "num_key_value_heads": 32, "rms_norm_eps": 1e-05, "tie_word_embeddings": false,
          "torch_dtype": "float16", "vocab_size": 32000 }
        """;

    [Fact]
    public void Reads_a_llama_config()
    {
        var m = ModelPresets.FromHfConfig(Write(Llama2Config));
        Assert.Equal(6_738_415_616L, m.ParameterCount);
        Assert.Equal(NormKind.RmsNorm, m.Norm);
        Assert.Equal(MlpKind.SwiGlu, m.Mlp);
    }

    [Fact]
    public void Reads_gpt2_names_and_defaults()
    {
        // openai-community/gpt2 config.json: n_inner null, no tie_word_embeddings (PretrainedConfig default: true).
        var m = ModelPresets.FromHfConfig(Write("""
            { "model_type": "gpt2", "activation_function": "gelu_new", "n_ctx": 1024, "n_embd": 768, "n_head": 12,
              "n_inner": null, "n_layer": 12, "n_positions": 1024, "layer_norm_epsilon": 1e-05, "vocab_size": 50257 }
            """));
        Assert.Equal(124_439_808L, m.ParameterCount);
        Assert.True(m.TieWordEmbeddings);
        Assert.True(m.LearnedPositions);
    }

    [Fact]
    public void Reads_a_mixtral_config()
    {
        var m = ModelPresets.FromHfConfig(Write("""
            { "model_type": "mixtral", "hidden_act": "silu", "hidden_size": 4096, "intermediate_size": 14336,
              "max_position_embeddings": 32768, "num_attention_heads": 32, "num_experts_per_tok": 2,
              "num_hidden_layers": 32, "num_key_value_heads": 8, "num_local_experts": 8, "rms_norm_eps": 1e-05,
              "tie_word_embeddings": false, "vocab_size": 32000 }
            """));
        Assert.Equal(46_702_792_704L, m.ParameterCount);
    }

    [Theory]
    [InlineData("{ \"hidden_size\": 4096 ", "is not valid JSON")]
    [InlineData("[1, 2]", "must be a JSON object")]
    [InlineData("{ \"model_type\": \"llama\", \"hidden_size\": 4096 }", "missing field 'vocab_size'")]
    [InlineData("{ \"vocab_size\": 32000, \"hidden_size\": \"big\" }", "field 'hidden_size' must be an integer (got \"big\")")]
    [InlineData(
        "{ \"vocab_size\": 32000, \"hidden_size\": 64, \"num_hidden_layers\": 2, \"num_attention_heads\": 4, " +
        "\"max_position_embeddings\": 64 }",
        "missing field 'intermediate_size'")]
    [InlineData(
        "{ \"vocab_size\": 32000, \"hidden_size\": 64, \"num_hidden_layers\": 2, \"num_attention_heads\": 4, " +
        "\"max_position_embeddings\": 64, \"intermediate_size\": 128, \"tie_word_embeddings\": \"no\" }",
        "field 'tie_word_embeddings' must be true or false")]
    [InlineData(
        "{ \"vocab_size\": 32000, \"hidden_size\": 64, \"num_hidden_layers\": 2, \"num_attention_heads\": 4, " +
        "\"max_position_embeddings\": 64, \"intermediate_size\": 128, \"num_key_value_heads\": 3 }",
        "num_key_value_heads (3)")]
    public void Malformed_configs_name_the_file_and_the_field(string json, string expected)
    {
        string path = Write(json);
        var e = Assert.Throws<InputException>(() => ModelPresets.FromHfConfig(path));
        Assert.Contains(expected, e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_missing_file_is_input_error()
    {
        var e = Assert.Throws<InputException>(() => ModelPresets.Resolve(Path.Combine(_dir, "nope.json")));
        Assert.Contains("not found", e.Message);
    }
}
