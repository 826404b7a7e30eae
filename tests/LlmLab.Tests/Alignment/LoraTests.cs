using LlmLab.Alignment;
using LlmLab.Nn.Gpt;
using LlmLab.Tests.Nn;
using LlmLab.Training;
using static TorchSharp.torch;

namespace LlmLab.Tests.Alignment;

public class LoraTests
{
    static Tensor Tokens() => GptTestModels.Tokens(2, 10, GptTestModels.Tiny.VocabSize);

    /// <summary>Gives every B a seeded non-zero value (B = 0 at init would make every test below trivial).</summary>
    static void Perturb(LoraModel lora)
    {
        using var noGrad = no_grad();
        var rng = new Random(7);
        foreach (var (name, p) in lora.named_parameters().Where(p => p.name.EndsWith("lora_B", StringComparison.Ordinal)))
            p.copy_(tensor(Enumerable.Range(0, (int)p.numel()).Select(_ => (float)(rng.NextDouble() - 0.5) * 0.5f).ToArray(), p.shape));
    }

    [Theory]
    [MemberData(nameof(GptTestModels.Variants), MemberType = typeof(GptTestModels))]
    public void Step_zero_equals_the_base_and_merged_equals_unmerged(string variant)
    {
        var config = GptTestModels.Variant(variant);
        using var baseModel = GptTestModels.Build(config);
        using var lora = new LoraModel(GptTestModels.Build(config), new LoraOptions(Rank: 4, Alpha: 8));
        lora.eval();
        using var scope = NewDisposeScope();
        var x = Tokens();
        Assert.Equal(0f, lora.call(x).sub(baseModel.call(x)).abs().max().item<float>());           // B = 0: exactly the base
        Perturb(lora);
        var adapted = lora.call(x);
        Assert.True(adapted.sub(baseModel.call(x)).abs().max().item<float>() > 1e-3);             // the adapters now matter
        lora.Merge();
        float diff = lora.Base.call(x).sub(adapted).abs().max().item<float>();
        Assert.True(diff <= 1e-5, $"merged vs adapter forward: max |Δ| = {diff}");
    }

    [Fact]
    public void Only_adapter_parameters_get_gradients_and_the_trainer_leaves_the_base_alone()
    {
        using var baseModel = GptTestModels.Build(GptTestModels.Tiny);
        using var lora = new LoraModel(GptTestModels.Build(GptTestModels.Tiny), new LoraOptions(Rank: 2));
        Perturb(lora);
        using (var scope = NewDisposeScope())
        {
            var x = Tokens();
            var (_, loss) = lora.Base.Forward(x, x.roll(-1, 1));
            loss.backward();
            foreach (var (name, p) in lora.named_parameters())
                if (name.StartsWith("adapters.", StringComparison.Ordinal)) Assert.True(p.grad is not null && p.grad.abs().sum().item<float>() > 0, name);
                else Assert.True(p.grad is null && !p.requires_grad, name);
            foreach (var p in lora.parameters()) p.grad = null;
        }
        var options = new TrainerOptions(Steps: 3, Batch: 2, Context: 10, LearningRate: 1e-2, LogEvery: 1000, EvalEvery: 1000);
        var tokens = Enumerable.Range(0, 200).Select(i => i * 7 % 50).ToArray();
        new Trainer(lora, LanguageModelLoss.For(lora), options).Run(new TokenWindowBatches(tokens, 2, 10, 1));
        var before = baseModel.state_dict();
        foreach (var (name, p) in lora.Base.state_dict()) Assert.True(p.eq(before[name]).all().item<bool>(), $"base weight {name} changed");
    }

    [Fact]
    public void The_trainable_count_is_r_times_in_plus_out_per_adapted_layer()
    {
        var c = GptTestModels.Tiny;   // d = 32, 4 heads (MHA), MLP 4d, 2 layers
        using var lora = new LoraModel(GptTestModels.Build(c), new LoraOptions(Rank: 4));
        long d = c.Width;
        long perLayer = (d + 3 * d) + (d + d) + (d + 4 * d) + (4 * d + d);  // c_attn, attn.c_proj, c_fc, mlp.c_proj
        Assert.Equal(c.Layers * 4 * perLayer, lora.TrainableParameterCount);
        Assert.Equal(4096, lora.TrainableParameterCount);
        Assert.Equal(LoraModel.ExpectedTrainable(lora.LayerShapes, 4), lora.TrainableParameterCount);
        using var attnOnly = new LoraModel(GptTestModels.Build(c), new LoraOptions(Rank: 8, Targets: ["attn.c_attn"]));
        Assert.Equal(c.Layers * 8 * (d + 3 * d), attnOnly.TrainableParameterCount);
        Assert.Equal(["h.0.attn.c_attn", "h.1.attn.c_attn"], attnOnly.Layers);
    }

    [Fact]
    public void Targets_that_match_no_module_are_refused()
    {
        using var model = GptTestModels.Build(GptTestModels.Tiny);
        var e = Assert.Throws<InputException>(() => new LoraModel(model, new LoraOptions(Targets: ["c_attn", "q_proj"])));
        Assert.Contains("'q_proj' matches no linear layer", e.Message);
        Assert.Contains("c_attn", e.Message);
        Assert.True(model.parameters().All(p => p.requires_grad)); // refused before freezing anything
        Assert.Throws<InputException>(() => new LoraModel(model, new LoraOptions(Rank: 0)));
    }

    [Fact]
    public void An_adapter_saved_alone_loads_back_to_the_same_forward()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"lora-{Guid.NewGuid():N}");
        try
        {
            using var a = new LoraModel(GptTestModels.Build(GptTestModels.Tiny), new LoraOptions(Rank: 4));
            Perturb(a);
            a.SaveAdapter(dir, "tiny-base");
            using var b = new LoraModel(GptTestModels.Build(GptTestModels.Tiny), LoraModel.ReadOptions(dir));
            b.LoadAdapter(dir);
            a.eval(); b.eval();
            using var scope = NewDisposeScope();
            var x = Tokens();
            Assert.Equal(0f, a.call(x).sub(b.call(x)).abs().max().item<float>());
            long adapterBytes = new FileInfo(Path.Combine(dir, LoraModel.AdapterFile)).Length;
            Assert.InRange(adapterBytes, 4096 * 4, 4096 * 4 + 4096);    // the adapters' floats and a small header
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }
}
