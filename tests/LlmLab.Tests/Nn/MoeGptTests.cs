using LlmLab.Nn.Gpt;
using LlmLab.Nn.Moe;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

/// <summary>The GPT with Mixture-of-Experts blocks: training, the auxiliary loss, statistics, caching, determinism.</summary>
public sealed class MoeGptTests
{
    [Fact]
    public void An_moe_gpt_memorises_one_batch()
    {
        var config = MoeTestModels.Tiny with { VocabSize = 16, Context = 16 };
        using var model = GptTestModels.Build(config, seed: 2);
        model.train();
        using var scope = NewDisposeScope();
        var x = GptTestModels.Tokens(4, 16, 16, seed: 3);
        var y = GptTestModels.Tokens(4, 16, 16, seed: 4); // random targets: only memorising can fit them
        var loss = MoeTrainingLoss.For(model);
        using var opt = optim.AdamW(model.parameters(), lr: 1e-2, weight_decay: 0);
        double first = 0, last = 0;
        for (int step = 0; step < 150; step++)
        {
            using var s = NewDisposeScope();
            opt.zero_grad();
            var l = loss(x, y);
            l.backward();
            opt.step();
            last = model.Forward(x, y).Loss.item<float>();
            if (step == 0) first = l.item<float>();
        }
        // The first loss is ln V plus the auxiliary term: α · E·Σ fP per layer, ≈ 0.01 · 1 · 2 layers.
        Assert.InRange(first, Math.Log(16), Math.Log(16) + 0.25);
        Assert.True(last < 0.05, $"cross-entropy after 150 steps is {last:0.0000}, expected < 0.05");
    }

    [Fact]
    public void The_auxiliary_loss_is_the_weighted_sum_over_layers_and_null_when_dense()
    {
        var config = MoeTestModels.Tiny with { RouterAuxLossCoef = 0.1, RouterZLossCoef = 0.01 };
        using var model = GptTestModels.Build(config);
        using var scope = NewDisposeScope();
        var x = GptTestModels.Tokens(2, 8, config.VocabSize);
        model.call(x);
        var stats = model.RoutingStatistics;
        Assert.Equal(2, stats.Count);
        double expected = stats.Sum(s => 0.1 * s.BalanceLoss + 0.01 * s.ZLoss);
        Assert.Equal(expected, model.AuxiliaryLoss!.item<float>(), 5);
        Assert.All(stats, s => Assert.Equal(16 * 2, s.Routed.Sum()));
        Assert.All(stats, s => Assert.InRange(s.BalanceLoss, 1 - 1e-5, 4));
        // Forward(idx, targets) leaves the auxiliary loss alive beside its logits.
        var (_, ce) = model.Forward(x, GptTestModels.Tokens(2, 8, config.VocabSize, seed: 1));
        Assert.True(model.AuxiliaryLoss!.item<float>() > 0 && ce.item<float>() > 0);
        Assert.Equal(ce.item<float>(), MoeTrainingLoss.For(model)(x, GptTestModels.Tokens(2, 8, config.VocabSize, seed: 1)).item<float>(), 5); // eval mode: no aux

        using var dense = GptTestModels.Build(GptTestModels.Tiny);
        dense.call(x);
        Assert.Null(dense.AuxiliaryLoss);
        Assert.Empty(dense.RoutingStatistics);
        Assert.Empty(dense.ExpertLayers);
    }

    [Fact]
    public void The_same_seed_gives_the_same_routing_and_logits()
    {
        var config = MoeTestModels.Tiny with { CapacityFactor = 1.0 };
        using var scope = NewDisposeScope();
        var x = GptTestModels.Tokens(2, 16, config.VocabSize);
        (Tensor Logits, long[][] Load) Run(long seed)
        {
            using var model = GptTestModels.Build(config, seed);
            var logits = model.call(x).detach();
            return (logits, model.RoutingStatistics.Select(s => s.Routed).ToArray());
        }
        var (a, b, c) = (Run(5), Run(5), Run(6));
        Assert.Equal(a.Load, b.Load);
        Assert.Equal(0, (a.Logits - b.Logits).abs().max().item<float>());
        Assert.NotEqual(0, (a.Logits - c.Logits).abs().max().item<float>());
    }

    [Fact]
    public void Dropless_decoding_with_the_kv_cache_equals_the_full_forward()
    {
        var config = MoeTestModels.Tiny with { PositionEmbedding = PositionEmbeddingKind.Rope };
        using var model = GptTestModels.Build(config);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = GptTestModels.Tokens(2, 12, config.VocabSize);
        using var cache = ContiguousKvCache.For(config);
        var steps = new List<Tensor> { model.Forward(x[.., ..4], cache) };
        for (int t = 4; t < 12; t++) steps.Add(model.Forward(x[.., t..(t + 1)], cache));
        TensorAssert.Close(cat(steps, 1), model.call(x), "cached MoE decoding vs full forward", GptTestModels.Fp32);
    }

    [Fact]
    public void A_dense_config_builds_exactly_the_model_it_did_before()
    {
        // Same parameter names and count as before MoE existed: no moe.* module, no router.
        using var model = GptTestModels.Build(GptTestModels.Tiny);
        var names = model.named_parameters().Select(p => p.name).ToArray();
        Assert.Contains("h.0.mlp.c_fc.weight", names);
        Assert.DoesNotContain(names, n => n.Contains("moe", StringComparison.Ordinal));
        using var moe = GptTestModels.Build(MoeTestModels.Tiny);
        var moeNames = moe.named_parameters().Select(p => p.name).ToArray();
        Assert.Contains("h.1.moe.gate.weight", moeNames);
        Assert.Contains("h.1.moe.experts.3.c_proj.weight", moeNames);
        Assert.DoesNotContain(moeNames, n => n.Contains(".mlp.", StringComparison.Ordinal));
        // The residual projection of every expert gets GPT-2's scaled initialisation.
        double std = moe.named_parameters().Single(p => p.name == "h.0.moe.experts.2.c_proj.weight").parameter.std().item<float>();
        Assert.InRange(std, 0.02 / Math.Sqrt(4) * 0.8, 0.02 / Math.Sqrt(4) * 1.2);
    }
}
