using LlmLab.Planning;

namespace LlmLab.Tests.Planning;

public sealed class UseCaseLatencyEstimatorTests
{
    // A made-up GPU with round figures: 1 TB/s and 100 TFLOP/s.
    static readonly GpuSpec Round = new("round", 80L << 30, 1e12, 100e12);

    [Fact]
    public void Seven_billion_fp16_weights_at_one_terabyte_per_second_take_14_ms_per_token()
    {
        // 7e9 params × 2 bytes = 14e9 bytes read per token; 14e9 / (1e12 × 1.0) = 0.014 s.
        double t = LatencyEstimator.DecodeSecondsPerToken(7e9 * DtypeInfo.BytesPerParameter(Dtype.Fp16), 0, 1e12, 1.0);
        Assert.Equal(0.014, t, 12);
        // At the default efficiency, 0.014 / 0.7 = 0.02 s.
        Assert.Equal(0.02, LatencyEstimator.DecodeSecondsPerToken(14e9, 0, 1e12), 12);
    }

    [Fact]
    public void Prefill_compute_is_two_flops_per_parameter_per_token()
    {
        // 2 × 7e9 × 1000 = 1.4e13 FLOPs at 100 TFLOP/s × 0.4 = 4e13 FLOP/s → 0.35 s.
        Assert.Equal(0.35, LatencyEstimator.PrefillComputeSeconds(7e9, 1000, 100e12), 12);
    }

    [Fact]
    public void The_estimate_follows_the_formula_for_llama_2_7b()
    {
        var m = ModelPresets.Get("llama-2-7b"); // 6,738,415,616 parameters, 524,288 KV bytes per token in fp16
        var e = LatencyEstimator.Estimate(m, Dtype.Fp16, Round, 1, inputTokens: 1000, outputTokens: 200, bandwidthEfficiency: 1.0,
            mfu: 0.5);
        double weights = 6_738_415_616.0 * 2;
        double kv = (1000 + 100) * 524_288.0; // average context over the 200 generated tokens
        double perToken = (weights + kv) / 1e12;
        double prefill = 2 * 6_738_415_616.0 * 1000 / (100e12 * 0.5);
        Assert.Equal(weights, e.WeightBytesPerToken);
        Assert.Equal(kv, e.KvBytesPerToken);
        Assert.Equal(perToken, e.SecondsPerOutputToken, 12);
        Assert.Equal(prefill, e.TimeToFirstTokenSeconds, 12);
        Assert.Equal(prefill + 200 * perToken, e.FullResponseSeconds, 12);
    }

    [Fact]
    public void A_short_prompt_still_reads_the_weights_once()
    {
        // 10 tokens of compute take 2 × 6.74e9 × 10 / 5e13 ≈ 2.7 ms, less than one read of 13.5 GB at 1 TB/s (13.5 ms).
        var e = LatencyEstimator.Estimate(ModelPresets.Get("llama-2-7b"), Dtype.Fp16, Round, 1, 10, 1, 1.0, 0.5);
        Assert.Equal(6_738_415_616.0 * 2 / 1e12, e.PrefillSeconds, 12);
    }

    [Fact]
    public void Two_gpus_halve_the_time_and_moe_reads_only_active_experts()
    {
        var m = ModelPresets.Get("mistral-7b");
        var one = LatencyEstimator.Estimate(m, Dtype.Bf16, Round, 1, 500, 100);
        var two = LatencyEstimator.Estimate(m, Dtype.Bf16, Round, 2, 500, 100);
        Assert.Equal(one.SecondsPerOutputToken / 2, two.SecondsPerOutputToken, 12);

        var mixtral = ModelPresets.Get("mixtral-8x7b");
        var moe = LatencyEstimator.Estimate(mixtral, Dtype.Bf16, Round, 1, 500, 100);
        Assert.Equal(mixtral.ActiveParameterCount * 2.0, moe.WeightBytesPerToken);
        Assert.True(mixtral.ActiveParameterCount < mixtral.ParameterCount / 3);
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LatencyEstimator.DecodeSecondsPerToken(1, 0, 1e12, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => LatencyEstimator.PrefillComputeSeconds(1, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LatencyEstimator.Estimate(ModelPresets.Get("gpt2"), Dtype.Fp32, Round, 0, 1, 1));
    }
}
