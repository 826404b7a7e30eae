using LlmLab.Nn.Gpt;
using LlmLab.Nn.Moe;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

/// <summary>The batched-by-expert dispatch against the definition, one token at a time.</summary>
public sealed class MoeReferenceTests
{
    /// <summary>
    /// The reference: for each token n on its own, p = softmax(W_g xₙ) in fp32, the k largest, their weights (renormalised
    /// for k ≥ 2), and yₙ = Σⱼ wⱼ · expertⱼ(xₙ). A loop over tokens — what the layer must not be, and must equal.
    /// </summary>
    static Tensor PerToken(MoeFeedForward layer, Tensor x, int k)
    {
        var flat = x.reshape(-1, x.shape[^1]);                                         // (N, d)
        var rows = new List<Tensor>();
        for (long n = 0; n < flat.shape[0]; n++)
        {
            var xn = flat[n].unsqueeze(0);                                             // (1, d)
            var p = nn.functional.softmax(nn.functional.linear(xn, layer.RouterWeight), 1)[0]; // (E)
            var order = p.data<float>().Select((v, e) => (v, e)).OrderByDescending(t => t.v).ThenBy(t => t.e).Take(k).ToArray();
            var w = order.Select(t => p[t.e]).ToArray();
            var total = k == 1 ? w[0] : w.Aggregate((a, b) => a + b);
            var y = zeros_like(xn);
            for (int j = 0; j < k; j++)
                y = y + (k == 1 ? w[j] : w[j] / total) * layer.ExpertModules[order[j].e].call(xn);
            rows.Add(y);
        }
        return cat(rows, 0).view(x.shape);
    }

    public static TheoryData<string> Variants => new() { "top2-gelu", "top1-gelu", "top2-swiglu-nobias", "top3-of-3" };

    static GptConfig Variant(string name) => name switch
    {
        "top2-gelu" => MoeTestModels.Tiny,
        "top1-gelu" => MoeTestModels.Tiny with { NumExpertsPerTok = 1 },
        "top2-swiglu-nobias" => MoeTestModels.Tiny with { Mlp = FeedForwardKind.SwiGlu, Bias = false },
        "top3-of-3" => MoeTestModels.Tiny with { NumLocalExperts = 3, NumExpertsPerTok = 3 },
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Dropless_dispatch_equals_the_per_token_loop_forward_and_backward(string variant)
    {
        var config = Variant(variant);
        using var layer = MoeTestModels.Layer(config, seed: 3);
        using var scope = NewDisposeScope();
        var x0 = MoeTestModels.Activations(2, 7, config.Width);
        var dy = MoeTestModels.Activations(2, 7, config.Width, seed: 9);               // a fixed upstream gradient

        (Tensor Y, Tensor Dx, Dictionary<string, Tensor> Grads) Run(Func<Tensor, Tensor> f)
        {
            layer.zero_grad();
            var x = x0.clone().requires_grad_();
            var y = f(x);
            (y * dy).sum().backward();
            var grads = layer.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
            return (y.detach(), x.grad!.clone(), grads);
        }

        var batched = Run(x => layer.Forward(x).Output);
        var reference = Run(x => PerToken(layer, x, config.ExpertsPerToken));
        TensorAssert.Close(batched.Y, reference.Y, $"{variant}: output", GptTestModels.Fp32);
        TensorAssert.Close(batched.Dx, reference.Dx, $"{variant}: dL/dx", GptTestModels.Fp32);
        Assert.Equal(reference.Grads.Keys.Order(), batched.Grads.Keys.Order());
        foreach (var (name, g) in reference.Grads)
            TensorAssert.Close(batched.Grads[name], g, $"{variant}: dL/d{name}", GptTestModels.Fp32);
        Assert.Contains("gate.weight", batched.Grads.Keys);
        // The router is trained by the main loss through the weights (k = 1 included).
        Assert.True(batched.Grads["gate.weight"].abs().sum().item<float>() > 0);
    }

    [Fact]
    public void The_same_seed_routes_the_same_way()
    {
        var config = MoeTestModels.Tiny;
        using var scope = NewDisposeScope();
        var x = MoeTestModels.Activations(3, 8, config.Width);
        long[] Route(long seed)
        {
            using var layer = MoeTestModels.Layer(config, seed);
            using var noGrad = no_grad();
            var first = layer.Route(x).Experts.data<long>().ToArray();
            layer.Forward(x);
            Assert.Equal(first, layer.Route(x).Experts.data<long>().ToArray()); // and the same again on one layer
            return first;
        }
        Assert.Equal(Route(11), Route(11));
        Assert.NotEqual(Route(11), Route(12));
    }

    [Fact]
    public void A_dense_config_is_refused()
    {
        Assert.Contains("num_local_experts", Assert.Throws<ArgumentException>(() => new MoeFeedForward(GptTestModels.Tiny)).Message);
    }
}
