using LlmLab.Planning;

namespace LlmLab.Tests.Planning;

public class ModelPresetsTests
{
    // Published totals: GPT-2 124M (HF openai-community/gpt2), Llama-2 paper/HF cards, Meta-Llama-3-8B,
    // Mistral-7B-v0.1, Mixtral-8x7B-v0.1 (46.7B), Llama-2-70B (HF safetensors metadata). Each comes out of the
    // formula in ModelSpec.ParameterCount; none is stored.
    [Theory]
    [InlineData("gpt2", 124_439_808L)]
    [InlineData("llama-2-7b", 6_738_415_616L)]
    [InlineData("llama-2-13b", 13_015_864_320L)]
    [InlineData("llama-3-8b", 8_030_261_248L)]
    [InlineData("mistral-7b", 7_241_732_096L)]
    [InlineData("mixtral-8x7b", 46_702_792_704L)]
    [InlineData("llama-2-70b", 68_976_648_192L)]
    public void Parameter_counts_match_the_published_totals(string name, long expected) =>
        Assert.Equal(expected, ModelPresets.Get(name).ParameterCount);

    [Fact]
    public void Mixtral_uses_two_of_eight_experts_per_token()
    {
        var m = ModelPresets.Get("mixtral-8x7b");
        // Mistral AI's announcement: "12.9B active parameters per token".
        Assert.Equal(12_879_925_248L, m.ActiveParameterCount);
        Assert.Equal(ModelPresets.Get("llama-2-7b").ParameterCount, ModelPresets.Get("llama-2-7b").ActiveParameterCount);
    }

    [Fact]
    public void Head_dim_and_gqa_widths_are_derived()
    {
        var m = ModelPresets.Get("llama-2-70b");
        Assert.Equal(128, m.HeadDim);
        Assert.Equal(1024, m.KeyValueDim);
        Assert.Equal(8192, m.QueryDim);
    }

    [Fact]
    public void Names_are_case_insensitive_and_unknown_names_list_the_presets()
    {
        Assert.Equal("llama-2-7b", ModelPresets.Get("LLaMA-2-7B").Name);
        var e = Assert.Throws<InputException>(() => ModelPresets.Get("gpt-5"));
        Assert.Contains("unknown model 'gpt-5'", e.Message);
        Assert.Contains("mixtral-8x7b", e.Message);
    }

    [Fact]
    public void Invalid_shapes_name_the_field()
    {
        var bad = ModelPresets.Get("llama-2-70b") with { NumKeyValueHeads = 7 };
        Assert.Contains("num_key_value_heads (7)", Assert.Throws<InputException>(() => bad.Validate()).Message);
        var zero = ModelPresets.Get("gpt2") with { NumLayers = 0 };
        Assert.Contains("num_hidden_layers must be >= 1 (got 0)", Assert.Throws<InputException>(() => zero.Validate()).Message);
    }
}
