using LlmLab.Planning;

namespace LlmLab.Tests.Planning;

public class MemoryEstimatorTests
{
    static readonly ModelSpec Llama2 = ModelPresets.Get("llama-2-7b");

    [Fact]
    public void Llama2_7b_kv_cache_is_half_a_mebibyte_per_token_in_fp16()
    {
        // 2 (K, V) · 32 layers · 32 heads · 128 dims · 2 bytes.
        Assert.Equal(524_288.0, MemoryEstimator.KvCacheBytesPerToken(Llama2, Dtype.Fp16));
        long kv = MemoryEstimator.KvCacheBytes(Llama2, Dtype.Fp16, seq: 2048, batch: 1);
        Assert.Equal(1_073_741_824L, kv);
        Assert.Equal("1.07 GB", ByteSize.FormatGb(kv));
    }

    [Theory]
    [InlineData("llama-2-70b", 327_680.0)] // GQA: 8 KV heads instead of 64
    [InlineData("llama-3-8b", 131_072.0)]
    [InlineData("mistral-7b", 131_072.0)]
    public void Grouped_query_attention_shrinks_the_kv_cache(string model, double perToken) =>
        Assert.Equal(perToken, MemoryEstimator.KvCacheBytesPerToken(ModelPresets.Get(model), Dtype.Bf16));

    [Fact]
    public void Kv_dtype_can_differ_from_the_weights()
    {
        var e = MemoryEstimator.Inference(Llama2, new InferenceMemoryOptions(Dtype.Int4, KvDtype: Dtype.Int8, SeqLen: 1000, Batch: 2));
        Assert.Equal((long)Math.Ceiling(2 * 32 * 4096 * 1.0625 * 2000), e.KvCacheBytes);
        Assert.Equal((long)Math.Ceiling(6_738_415_616 * 0.5625), e.WeightBytes);
    }

    [Fact]
    public void Llama2_7b_fp16_weights_are_13_48_GB()
    {
        long w = MemoryEstimator.WeightBytes(Llama2, Dtype.Fp16);
        Assert.Equal(2 * 6_738_415_616L, w);
        Assert.Equal("13.48 GB", ByteSize.FormatGb(w));
    }

    [Fact]
    public void Zephyr_7b_against_hf_accelerate_estimate_memory()
    {
        // HF accelerate `estimate-memory HuggingFaceH4/zephyr-7b-beta` (a Mistral-7B): float16 "13.74 GB" total,
        // "54.98 GB" training with Adam. Accelerate's convert_bytes divides by 1024, so its "GB" are GiB. Our
        // parameter-only count gives 14,483,464,192 B = 13.49 GiB, 1.8% less: accelerate sizes every tensor of the
        // module built on the meta device, buffers included (the transformers of that time kept rotary cos/sin
        // caches sized by max_position_embeddings = 32,768 in each layer), while the weights file and our count
        // hold parameters only. Its Adam column is 4× the fp16 size (the largest single need, Adam's two fp32
        // moments = 8 B/param), and ours reproduces that convention exactly; the full mixed-precision sum is 16 B/param.
        var mistral = ModelPresets.Get("mistral-7b");
        long fp16 = MemoryEstimator.WeightBytes(mistral, Dtype.Fp16);
        Assert.Equal(14_483_464_192L, fp16);
        Assert.InRange(ByteSize.Gib(fp16) / 13.74, 0.98, 1.0);
        long adam = MemoryEstimator.AccelerateAdamConvention(mistral, Dtype.Fp16);
        Assert.Equal(4 * fp16, adam);
        Assert.InRange(ByteSize.Gib(adam) / 54.98, 0.98, 1.0);
        Assert.Equal(54.98 / 13.74, (double)adam / fp16, 2);
        var states = MemoryEstimator.ModelStatesPerGpu(mistral.ParameterCount, Dtype.Bf16, ZeroStage.None, 1);
        Assert.Equal(2 * adam, states.TotalBytes);
    }

    [Theory]
    // ZeRO paper (Rajbhandari et al. 2020), Figure 1: Ψ = 7.5B, K = 12, N_d = 64 GPUs, GB = 10^9 bytes.
    [InlineData(ZeroStage.None, 120.0)]
    [InlineData(ZeroStage.OptimizerStates, 31.4)]
    [InlineData(ZeroStage.Gradients, 16.6)]
    [InlineData(ZeroStage.Parameters, 1.9)]
    public void Zero_stages_reproduce_figure_1_of_the_paper(ZeroStage stage, double gbPerGpu)
    {
        var s = MemoryEstimator.ModelStatesPerGpu(7_500_000_000, Dtype.Fp16, stage, 64);
        Assert.Equal(gbPerGpu, Math.Round(ByteSize.Gb(s.TotalBytes), 1));
    }

    [Fact]
    public void Mixed_precision_adam_is_16_bytes_per_parameter_and_fp32_has_no_master_copy()
    {
        var mixed = MemoryEstimator.ModelStatesPerGpu(1000, Dtype.Bf16, ZeroStage.None, 1);
        Assert.Equal(new ModelStates(2000, 2000, 4000, 8000), mixed);
        var fp32 = MemoryEstimator.ModelStatesPerGpu(1000, Dtype.Fp32, ZeroStage.None, 1);
        Assert.Equal(new ModelStates(4000, 4000, 0, 8000), fp32);
        var z3 = MemoryEstimator.ModelStatesPerGpu(1000, Dtype.Bf16, ZeroStage.Parameters, 8);
        Assert.Equal(new ModelStates(250, 250, 500, 1000), z3);
    }

    [Fact]
    public void Activations_follow_korthikanti_for_a_gpt_layer()
    {
        // GPT-3 175B's shape (h 12288, a 96, 4h MLP), s = 2048, b = 1: sbh(34 + 5as/h) bytes per layer.
        var gpt3 = new ModelSpec("gpt3", 50257, 12288, 96, 96, 96, 4 * 12288, 2048, true,
            Mlp: MlpKind.Gelu, Norm: NormKind.LayerNorm, AttentionBias: true, MlpBias: true, LearnedPositions: true);
        double s = 2048, b = 1, h = 12288, a = 96;
        Assert.Equal((long)(s * b * h * (34 + 5 * a * s / h)), ActivationMemory.TrainingPerLayer(gpt3, 2048, 1));
        // Full checkpointing keeps 2sbh per layer plus one layer being recomputed.
        long full = ActivationMemory.Training(gpt3, 2048, 1);
        long ckpt = ActivationMemory.Training(gpt3, 2048, 1, checkpointing: true);
        long outside = ActivationMemory.TrainingOutsideLayers(gpt3, 2048, 1);
        Assert.Equal(96 * (long)(2 * s * b * h) + ActivationMemory.TrainingPerLayer(gpt3, 2048, 1) + outside, ckpt);
        Assert.True(ckpt < full / 10);
        Assert.True(ActivationMemory.TrainingPerLayer(gpt3, 2048, 1, flashAttention: true) < (long)(s * b * h * 35));
    }

    [Fact]
    public void Training_estimate_adds_states_activations_and_overhead()
    {
        var e = MemoryEstimator.Training(Llama2, new TrainingMemoryOptions(Dtype.Bf16, MicroBatch: 1, SeqLen: 4096,
            Zero: ZeroStage.Parameters, Gpus: 8, ActivationCheckpointing: true));
        Assert.True(e.Training);
        Assert.Equal(16 * Llama2.ParameterCount / 8, e.States.TotalBytes);
        Assert.Equal(e.Components.Sum(c => c.Bytes), e.TotalBytes);
        Assert.Equal(MemoryEstimator.DefaultOverheadBytes, e.OverheadBytes);
        Assert.Contains(e.Components, c => c.Name.StartsWith("optimizer states"));
    }

    [Fact]
    public void Inference_estimate_and_gpu_fit()
    {
        var e = MemoryEstimator.Inference(ModelPresets.Get("llama-2-70b"), new InferenceMemoryOptions(Dtype.Fp16, SeqLen: 4096));
        Assert.Equal(e.Components.Sum(c => c.Bytes), e.TotalBytes);
        Assert.Equal(4, e.Components.Count);
        // 137.95 GB of weights: only the H200's 141 GiB holds them.
        Assert.Equal(["H200 141GB"], e.FittingGpus().Select(g => g.Name));
        var t4 = e.CheckFit().Single(f => f.Gpu.Name == "T4 16GB");
        Assert.False(t4.Fits);
        Assert.Equal((16L << 30) - e.TotalBytes, t4.HeadroomBytes);
        // Overhead fraction scales with the rest.
        var f = MemoryEstimator.Inference(Llama2, new InferenceMemoryOptions(OverheadBytes: 0, OverheadFraction: 0.2));
        Assert.Equal((long)Math.Ceiling(0.2 * (f.WeightBytes + f.KvCacheBytes + f.ActivationBytes)), f.OverheadBytes);
    }

    [Fact]
    public void Flash_attention_removes_the_score_matrix_from_the_inference_peak()
    {
        long flash = ActivationMemory.InferencePeak(Llama2, 4096, 1);
        long naive = ActivationMemory.InferencePeak(Llama2, 4096, 1, flashAttention: false);
        Assert.True(naive - flash > 2L * 32 * 4096 * 4096 - 2L * 4096 * 3 * 11008);
    }

    [Theory]
    [InlineData(-1, 2048, "--batch must be >= 1 (got -1)")]
    [InlineData(1, 0, "--seq must be >= 1 (got 0)")]
    public void Bad_sizes_are_input_errors(int batch, int seq, string message)
    {
        Assert.Equal(message, Assert.Throws<InputException>(() =>
            MemoryEstimator.Inference(Llama2, new InferenceMemoryOptions(Batch: batch, SeqLen: seq))).Message);
        Assert.Equal(message, Assert.Throws<InputException>(() =>
            MemoryEstimator.Training(Llama2, new TrainingMemoryOptions(MicroBatch: batch, SeqLen: seq))).Message);
    }

    [Fact]
    public void Sequences_longer_than_the_context_are_input_errors()
    {
        var e = Assert.Throws<InputException>(() =>
            MemoryEstimator.Inference(ModelPresets.Get("gpt2"), new InferenceMemoryOptions(SeqLen: 1025)));
        Assert.Equal("--seq 1025 is longer than gpt2's context (max_position_embeddings = 1024); use --seq 1024 or less", e.Message);
    }

    [Fact]
    public void Training_rejects_integer_weights_and_zero_gpus()
    {
        Assert.Contains("training dtype must be fp32, bf16 or fp16", Assert.Throws<InputException>(() =>
            MemoryEstimator.Training(Llama2, new TrainingMemoryOptions(Dtype.Int4))).Message);
        Assert.Contains("--gpus must be >= 1 (got 0)", Assert.Throws<InputException>(() =>
            MemoryEstimator.Training(Llama2, new TrainingMemoryOptions(Gpus: 0))).Message);
    }
}
