using System.Globalization;
using System.Text.Json;
using LlmLab.Nn.Gpt;
using LlmLab.Optim;
using LlmLab.Runtime;
using LlmLab.Training;
using Xunit.Sdk;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

/// <summary>
/// The PyTorch goldens of <c>Goldens/gpt-golden.json</c> + <c>gpt-golden.tensors</c>, written by
/// <c>bench/pytorch/make_gpt_golden.py</c> (llm.c's <c>test_gpt2</c> idea): per case a config, fixed weights and inputs,
/// and PyTorch's outputs and gradients, computed in float64 from the fp32 weights. Read once per test run; the tensors
/// are shared read-only by every test (clone before modifying one) and live as long as the process.
/// A missing or unreadable golden fails the test that asks for it, naming the file and how to regenerate it.
/// </summary>
internal sealed class GptGolden
{
    static readonly Lazy<GptGolden> Loaded = new(() => new GptGolden(Path.Combine(AppContext.BaseDirectory, "Goldens")));

    readonly Dictionary<string, Tensor> _tensors;
    readonly Dictionary<string, JsonElement> _cases;

    GptGolden(string dir)
    {
        string json = Path.Combine(dir, "gpt-golden.json"), tensors = Path.Combine(dir, "gpt-golden.tensors");
        foreach (string path in new[] { json, tensors })
            if (!File.Exists(path))
                throw new XunitException($"golden '{path}' is missing: the test project copies tests/LlmLab.Tests/Goldens/ " +
                    "to its output; " +
                    "regenerate the files with /usr/bin/python3 bench/pytorch/make_gpt_golden.py");
        TorchRuntime.EnsureLoaded(1);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Manifest = doc.RootElement.Clone();
        _cases = Manifest.GetProperty("cases").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c);
        _tensors = TensorFile.Read(tensors);
    }

    /// <summary>The golden, read on first use.</summary>
    public static GptGolden Instance => Loaded.Value;

    /// <summary>The whole <c>gpt-golden.json</c>.</summary>
    public JsonElement Manifest { get; }

    /// <summary>Names of the cases of one kind ("gpt" or "moe_layer"), in file order.</summary>
    public IReadOnlyList<string> CaseNames(string kind) =>
        _cases.Values.Where(c => c.GetProperty("kind").GetString() == kind).Select(c => c.GetProperty("name").GetString()!).ToList();

    /// <summary>A case's entry of the manifest.</summary>
    public JsonElement Case(string name) =>
        _cases.TryGetValue(name, out var c) ? c
            : throw new XunitException($"the golden has no case '{name}' (it has {string.Join(", ", _cases.Keys)})");

    /// <summary>A case's model config, parsed by our own config.json reader (so its keys are checked too).</summary>
    public GptConfig Config(string name) =>
        GptConfig.FromJson(Case(name).GetProperty("config").GetRawText(), $"gpt-golden.json case {name}");

    /// <summary>The tensor <paramref name="name"/> (shared: do not modify).</summary>
    public Tensor this[string name] =>
        _tensors.TryGetValue(name, out var t) ? t
            : throw new XunitException($"gpt-golden.tensors has no tensor '{name}': regenerate the golden");

    /// <summary>The tensors under <c>{case}/{group}/</c>, by the rest of their name (e.g. <c>param</c>, <c>grad</c>).</summary>
    public Dictionary<string, Tensor> Group(string name, string group)
    {
        string prefix = $"{name}/{group}/";
        return _tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value, StringComparer.Ordinal);
    }

    /// <summary>
    /// Copies the case's weights into <paramref name="module"/> by name. The two name sets must be equal and every shape
    /// must agree, so a weight the golden has and our model lacks (or the reverse) fails here, not as a numeric mismatch.
    /// </summary>
    public void LoadInto(nn.Module module, string name)
    {
        var weights = Group(name, "param");
        var ours = module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        AssertSameNames(name, "weights", weights.Keys, ours.Keys);
        using var noGrad = no_grad();
        foreach (var (n, p) in ours)
        {
            if (!p.shape.SequenceEqual(weights[n].shape))
                throw new XunitException($"{name}: weight '{n}' is ({string.Join(", ", p.shape)}) in our model and " +
                    $"({string.Join(", ", weights[n].shape)}) in the golden");
            p.copy_(weights[n]);
        }
    }

    /// <summary>The AdamW of the golden's 10 steps, as our trainer builds it: decay on rank ≥ 2 tensors only.</summary>
    public AdamW AdamWFor(nn.Module module)
    {
        var a = Manifest.GetProperty("adamw");
        double D(string key) => a.GetProperty(key).GetDouble();
        var groups = ParameterGroup.DecayMatricesOnly(module.named_parameters().Select(p => (p.name, p.parameter)), D("weight_decay"));
        return new AdamW(groups, D("lr"), D("beta1"), D("beta2"), D("eps"), D("weight_decay"));
    }

    /// <summary>Fails unless the two name sets are equal, listing what each side lacks.</summary>
    public static void AssertSameNames(string name, string what, IEnumerable<string> golden, IEnumerable<string> ours)
    {
        var g = golden.ToHashSet(StringComparer.Ordinal);
        var o = ours.ToHashSet(StringComparer.Ordinal);
        if (g.SetEquals(o)) return;
        throw new XunitException(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {what} differ: only in the golden [{string.Join(", ", g.Except(o))}], " +
            $"only in our model [{string.Join(", ", o.Except(g))}]"));
    }
}
