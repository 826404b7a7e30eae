using static LlmLab.Tests.CliRun;

namespace LlmLab.Tests.Planning;

public class EstimateCommandTests
{
    [Fact]
    public void Inference_prints_components_in_bytes_gb_and_gib_and_gpu_fit()
    {
        var (code, output, err) = Run("estimate", "--model", "llama-2-7b", "--dtype", "fp16", "--seq", "2048", "--batch", "1");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.Contains("6,738,415,616 parameters", output);
        Assert.Contains("KV cache 524,288 B/token", output);
        Assert.Matches(@"weights\s+13,476,831,232\s+13\.48\s+12\.55", output);
        Assert.Matches(@"KV cache\s+1,073,741,824\s+1\.07\s+1\.00", output);
        Assert.Contains("GB (1e9)", output);
        Assert.Contains("GiB (2^30)", output);
        Assert.Matches(@"fits\s+T4 16GB\s+16\.00 GiB\s+1\.92 GB \(1\.79 GiB\) to spare", output);
        // Batch 8 × 4,096 tokens: 17.2 GB of KV cache more, past every 24 GiB card.
        var (_, big, _) = Run("estimate", "--model", "llama-2-7b", "--dtype", "fp16", "--seq", "4096", "--batch", "8");
        Assert.Matches(@"KV cache\s+17,179,869,184\s", big);
        Assert.Matches(@"no\s+RTX 4090 24GB\s+24\.00 GiB\s+short by", big);
        Assert.Matches(@"fits\s+A100 40GB", big);
    }

    [Fact]
    public void Training_with_zero3_shards_the_states()
    {
        var (code, output, _) = Run("estimate", "--model", "llama-2-70b", "--dtype", "bf16", "--seq", "4096", "--batch", "1",
            "--train", "--zero", "3", "--gpus", "64", "--checkpointing");
        Assert.Equal(0, code);
        Assert.Contains("ZeRO stage 3 over 64 GPUs", output);
        // 16 B/param · 68,976,648,192 / 64 = 17,244,162,048 B of model states per GPU.
        Assert.Matches(@"weights\s+2,155,520,256\s", output);
        Assert.Matches(@"optimizer states \(Adam m, v\)\s+8,622,081,024\s", output);
        Assert.Contains("total per GPU", output);
        Assert.Contains("accelerate's convention", output);
    }

    [Fact]
    public void A_config_json_path_is_accepted()
    {
        string dir = Directory.CreateTempSubdirectory("llmlab-estimate-").FullName;
        try
        {
            string path = Path.Combine(dir, "config.json");
            File.WriteAllText(path, """
                { "model_type": "mistral", "hidden_act": "silu", "hidden_size": 4096, "intermediate_size": 14336,
                  "max_position_embeddings": 32768, "num_attention_heads": 32, "num_hidden_layers": 32,
                  "num_key_value_heads": 8, "rms_norm_eps": 1e-05, "tie_word_embeddings": false, "vocab_size": 32000 }
                """);
            var (code, output, _) = Run("estimate", "--model", path, "--dtype", "fp16");
            Assert.Equal(0, code);
            Assert.Contains("7,241,732,096 parameters", output);
            Assert.Contains("KV cache 131,072 B/token", output);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Theory]
    [InlineData("error: --batch must be >= 1 (got -2)", "--model", "llama-2-7b", "--batch", "-2")]
    [InlineData("error: --seq must be >= 1 (got 0)", "--model", "llama-2-7b", "--seq", "0")]
    [InlineData("error: --gpus must be >= 1 (got 0)", "--model", "llama-2-7b", "--train", "--gpus", "0")]
    [InlineData("error: --zero must be between 0 and 3 (got 4)", "--model", "llama-2-7b", "--train", "--zero", "4")]
    [InlineData("error: unknown model 'llama-9'", "--model", "llama-9")]
    [InlineData("error: unknown dtype 'fp8'", "--model", "gpt2", "--dtype", "fp8")]
    [InlineData("error: --model is required", "--seq", "10")]
    [InlineData("error: --zero, --gpus and --checkpointing apply to training", "--model", "gpt2", "--zero", "1")]
    [InlineData("error: training dtype must be fp32, bf16 or fp16", "--model", "gpt2", "--train", "--dtype", "int8")]
    [InlineData("not found", "--model", "/nonexistent/config.json")]
    [InlineData("error: --seq 4096 is longer than gpt2's context", "--model", "gpt2", "--seq", "4096")]
    [InlineData("error: --kv-dtype applies to inference only", "--model", "gpt2", "--train", "--kv-dtype", "int8")]
    public void Bad_input_exits_2_with_one_line(string expected, params string[] rest)
    {
        var (code, output, err) = Run(["estimate", .. rest]);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains(expected, err);
        Assert.DoesNotContain("   at ", err);
    }
}
