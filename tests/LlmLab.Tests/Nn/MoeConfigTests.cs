using LlmLab.Nn.Gpt;
using LlmLab.Nn.Moe;

namespace LlmLab.Tests.Nn;

public sealed class MoeConfigTests
{
    public static TheoryData<string, string> BadConfigs => new()
    {
        { """{"num_local_experts": 4, "num_experts_per_tok": 5}""", "num_experts_per_tok (5) must be <= num_local_experts (4)" },
        { """{"num_local_experts": 0}""", "num_local_experts must be >= 1 (got 0)" },
        { """{"num_local_experts": 1}""", "num_local_experts = 1 needs num_experts_per_tok = 1" },
        { """{"num_local_experts": 4, "num_experts_per_tok": 0}""", "num_experts_per_tok must be >= 1 (got 0)" },
        { """{"num_local_experts": 4, "capacity_factor": -1}""", "capacity_factor must be a finite number > 0, or 0 / null for dropless" },
        { """{"num_local_experts": 4, "router_aux_loss_coef": -0.01}""", "router_aux_loss_coef must be a finite number >= 0" },
        { """{"num_local_experts": 4, "router_z_loss_coef": -1}""", "router_z_loss_coef must be a finite number >= 0" },
        { """{"num_experts_per_tok": 2}""", "num_experts_per_tok applies to a Mixture-of-Experts model only: set num_local_experts" },
        { """{"capacity_factor": 1.25}""", "capacity_factor applies to a Mixture-of-Experts model only" },
    };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public void Bad_moe_configs_are_refused_naming_the_field(string json, string message)
    {
        var e = Assert.Throws<InputException>(() => GptConfig.FromJson(json, "moe/config.json"));
        Assert.Contains(message, e.Message);
        Assert.StartsWith("moe/config.json: ", e.Message);
    }

    [Fact]
    public void A_model_refuses_a_bad_moe_config_at_construction()
    {
        Assert.Contains("num_experts_per_tok (3) must be <= num_local_experts (2)",
            Assert.Throws<InputException>(() => new GptModel(MoeTestModels.Tiny with { NumLocalExperts = 2, NumExpertsPerTok = 3 })).Message);
        Assert.Contains("capacity_factor",
            Assert.Throws<InputException>(() => new GptModel(MoeTestModels.Tiny with { CapacityFactor = double.NaN })).Message);
    }

    [Fact]
    public void Moe_keys_round_trip_with_mixtral_names_and_a_dense_config_writes_none()
    {
        var config = MoeTestModels.Tiny with { RouterAuxLossCoef = 0.02, RouterZLossCoef = 0.001, CapacityFactor = 1.25 };
        string json = config.ToJson();
        foreach (string s in new[] { "\"num_local_experts\": 4", "\"num_experts_per_tok\": 2", "\"router_aux_loss_coef\": 0.02",
                     "\"router_z_loss_coef\": 0.001", "\"capacity_factor\": 1.25", "\"intermediate_size\": 64" })
            Assert.Contains(s, json);
        Assert.Equal(config, GptConfig.FromJson(json));
        string dense = GptTestModels.Tiny.ToJson();
        foreach (string key in new[] { "num_local_experts", "num_experts_per_tok", "router_aux_loss_coef", "router_z_loss_coef", "capacity_factor" })
            Assert.DoesNotContain(key, dense);
        // Defaults in effect: k = 2 (Mixtral), α = 0.01 (Switch), β = 0, dropless; 0 also means dropless.
        var d = GptTestModels.Tiny with { NumLocalExperts = 8 };
        Assert.Equal((2, 0.01, 0.0, false), (d.ExpertsPerToken, d.AuxLossCoefficient, d.ZLossCoefficient, d.HasExpertCapacity));
        Assert.False((d with { CapacityFactor = 0 }).HasExpertCapacity);
        Assert.Equal((1, 1, 0.0), (GptTestModels.Tiny.ExpertsPerToken, GptTestModels.Tiny.Experts, GptTestModels.Tiny.AuxLossCoefficient));
    }

    [Fact]
    public void Mixtral_8x7b_has_46_7b_parameters_and_12_9b_active()
    {
        // Mixtral-8x7B-v0.1's config.json: vocab 32,000, hidden 4,096, 32 layers, 32 heads, 8 KV heads, intermediate 14,336,
        // 8 experts, top-2, SwiGLU, RMSNorm, RoPE, no biases, untied head. Mistral AI announces 46.7B total and 12.9B active.
        var mixtral = new GptConfig
        {
            VocabSize = 32000, Context = 32768, Width = 4096, Layers = 32, Heads = 32, KvHeads = 8, IntermediateSize = 14336,
            PositionEmbedding = PositionEmbeddingKind.Rope, RopeTheta = 1e6, Mlp = FeedForwardKind.SwiGlu, Norm = NormalizationKind.RmsNorm,
            Bias = false, TieWordEmbeddings = false, NumLocalExperts = 8, NumExpertsPerTok = 2,
        };
        Assert.Equal(46_702_792_704, GptSizing.ParameterCount(mixtral));
        Assert.Equal(12_879_925_248, GptSizing.ActiveParameterCount(mixtral));
        // FLOPs per token follow the active parameters: 6·N_active + the attention term.
        Assert.Equal(6.0 * 12_879_925_248 + 12.0 * 32 * 32 * 128 * 4096, GptSizing.FlopsPerToken(mixtral, 4096));
    }

    [Theory]
    [InlineData(4, 2)]
    [InlineData(3, 1)]
    public void The_formula_counts_the_built_moe_model_and_its_active_parameters(int experts, int k)
    {
        var config = MoeTestModels.Tiny with { NumLocalExperts = experts, NumExpertsPerTok = k, Bias = false, Mlp = FeedForwardKind.SwiGlu };
        using var model = GptTestModels.Build(config);
        Assert.Equal(model.ParameterCount, GptSizing.ParameterCount(config));
        long perExpert = model.ExpertLayers[0].ExpertModules[0].parameters().Sum(p => p.numel());
        Assert.Equal(perExpert, GptSizing.MlpParameters(config));
        Assert.Equal(model.ParameterCount - config.Layers * (experts - k) * perExpert, GptSizing.ActiveParameterCount(config));
        Assert.Equal(GptSizing.ParameterCount(GptTestModels.Tiny), GptSizing.ActiveParameterCount(GptTestModels.Tiny)); // dense: all active
    }

    [Fact]
    public void Equal_active_parameters_cost_equal_flops_but_for_the_router()
    {
        // A dense MLP of width 128 against 8 experts of width 64, top-2: the same matmuls per token, plus the router d·E.
        var dense = GptTestModels.Tiny with { IntermediateSize = 128 };
        var moe = GptTestModels.Tiny with { IntermediateSize = 64, NumLocalExperts = 8, NumExpertsPerTok = 2 };
        long router = dense.Layers * dense.Width * 8L;
        long bias = dense.Layers * dense.Width; // the dense MLP's c_proj bias, which each of the two experts has too
        Assert.Equal(GptSizing.ActiveParameterCount(dense) + router + bias, GptSizing.ActiveParameterCount(moe));
        Assert.Equal(GptSizing.FlopsPerToken(dense, 32) + 6.0 * (router + bias), GptSizing.FlopsPerToken(moe, 32));
    }

    [Fact]
    public void Load_statistics_known_answers()
    {
        Assert.Equal(0, ExpertLoad.CoefficientOfVariation([5, 5, 5, 5]));
        Assert.Equal(Math.Sqrt(3), ExpertLoad.CoefficientOfVariation([8, 0, 0, 0]), 12);
        Assert.Equal(0.5, ExpertLoad.CoefficientOfVariation([1, 3]), 12); // mean 2, σ 1
        Assert.Equal(new[] { 0.25, 0.75 }, ExpertLoad.Shares([1, 3]));

        var tracker = new MoeLoadTracker();
        MoeRoutingStats S(long[] routed, long[] kept) => new(routed.Sum(), 1, routed, kept, 3, routed.Sum() - kept.Sum(), 1, 0);
        tracker.Record(1, [S([4, 0], [3, 0]), S([2, 2], [2, 2])]);
        tracker.Record(2, [S([2, 2], [2, 2]), S([2, 2], [2, 2])]);
        Assert.Equal(new long[] { 6, 2 }, tracker.Load(layer: 0));
        Assert.Equal(new long[] { 10, 6 }, tracker.Load());
        Assert.Equal((0.5 + 0) / 2, tracker.CoefficientOfVariation(), 12);   // layer 0: (6, 2) → 0.5; layer 1: balanced
        Assert.Equal(0, tracker.CoefficientOfVariation(fromStep: 2));
        Assert.Equal(1.0 / 16, tracker.DroppedAssignmentFraction(), 12);
        var history = tracker.History(window: 1);
        Assert.Equal([1, 2], history.Select(h => h.Step));
        Assert.Equal(new[] { 0.75, 0.25 }, history[0].Shares);
        Assert.Throws<ArgumentException>(() => tracker.Record(3, [S([1, 1], [1, 1])]));
    }
}
