using LlmLab.Nn.Gpt;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

public sealed class GptKvCacheTests
{
    [Theory]
    [MemberData(nameof(GptTestModels.Variants), MemberType = typeof(GptTestModels))]
    public void Token_by_token_decoding_equals_the_full_forward(string variant)
    {
        var config = GptTestModels.Variant(variant);
        using var model = GptTestModels.Build(config);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        const int T = 20;
        var x = GptTestModels.Tokens(2, T, config.VocabSize);
        var full = model.call(x);                                              // (2, T, V)
        using var cache = ContiguousKvCache.For(config);
        // A 5-token prefill, then one token at a time: positions are offset by the cache's length.
        var steps = new List<Tensor> { model.Forward(x[.., ..5], cache) };
        for (int t = 5; t < T; t++)
        {
            Assert.Equal(t, cache.Length);
            steps.Add(model.Forward(x[.., t..(t + 1)], cache));
        }
        Assert.Equal(T, cache.Length);
        TensorAssert.Close(cat(steps, 1), full, $"{variant}: cached decoding vs full forward", GptTestModels.Fp32);
    }

    [Fact]
    public void Chunks_of_several_tokens_attend_causally_within_the_chunk()
    {
        var config = GptTestModels.Variant("rope-gqa-swiglu-rmsnorm");
        using var model = GptTestModels.Build(config);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = GptTestModels.Tokens(1, 16, config.VocabSize);
        using var cache = ContiguousKvCache.For(config);
        var chunks = cat([model.Forward(x[.., ..3], cache), model.Forward(x[.., 3..10], cache), model.Forward(x[.., 10..], cache)], 1);
        TensorAssert.Close(chunks, model.call(x), "3 + 7 + 6 tokens vs one forward", GptTestModels.Fp32);
    }

    [Fact]
    public void A_full_cache_refuses_more_tokens_and_reset_starts_over()
    {
        var config = GptTestModels.Tiny;
        using var model = GptTestModels.Build(config);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var cache = new ContiguousKvCache(config.Layers, capacity: 4);
        model.Forward(GptTestModels.Tokens(1, 4, 50), cache);
        Assert.True(cache.Bytes > 0);
        var e = Assert.Throws<InvalidOperationException>(() => model.Forward(GptTestModels.Tokens(1, 1, 50), cache));
        Assert.Contains("holds 4 tokens", e.Message);
        cache.Reset();
        Assert.Equal(0, cache.Length);
        var again = model.Forward(GptTestModels.Tokens(1, 3, 50, seed: 3), cache);
        TensorAssert.Close(again, model.call(GptTestModels.Tokens(1, 3, 50, seed: 3)), "after reset", GptTestModels.Fp32);
    }

    [Fact]
    public void Positions_past_the_context_are_an_error_naming_n_positions()
    {
        using var model = GptTestModels.Build(GptTestModels.Tiny with { Context = 8 });
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => model.call(GptTestModels.Tokens(1, 9, 50)));
        Assert.Contains("n_positions = 8", e.Message);
        using var cache = ContiguousKvCache.For(model.Config);
        model.Forward(GptTestModels.Tokens(1, 6, 50), cache);
        e = Assert.Throws<ArgumentException>(() => model.Forward(GptTestModels.Tokens(1, 3, 50), cache));
        Assert.Contains("6 cached + 3 new", e.Message);
    }

    [Fact]
    public void A_cache_for_another_model_is_refused()
    {
        using var model = GptTestModels.Build(GptTestModels.Tiny);
        using var cache = new ContiguousKvCache(layers: 3, capacity: 8);
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => model.Forward(GptTestModels.Tokens(1, 2, 50), cache));
    }

    [Fact]
    public void Forward_decoding_and_generation_leave_no_tensor_alive()
    {
        var config = GptTestModels.Variant("rope-gqa-swiglu-rmsnorm");
        using var model = GptTestModels.Build(config);
        long before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (var scope = NewDisposeScope())
        using (var cache = ContiguousKvCache.For(config))
        using (no_grad())
        {
            var x = GptTestModels.Tokens(2, 10, config.VocabSize);
            model.call(x);
            model.Forward(x[.., ..4], cache);
            model.Forward(x[.., 4..], cache);
        }
        GptGenerator.Generate(model, [1, 2, 3], 12, GptSamplingOptions.Greedy);
        Assert.Equal(before, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
