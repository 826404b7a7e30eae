using System.Text.Json;
using System.Text.Json.Nodes;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmLab.Alignment;

/// <summary>
/// LoRA written from scratch (Hu et al. 2021) around a <see cref="GptModel"/>, without changing the model's code: every
/// linear layer named by <see cref="LoraOptions.Targets"/> gets a <see cref="LoraAdapter"/>, attached as a forward hook
/// (the layer's output + the adapter's update: TorchSharp runs hooks on <c>call</c>), and every base parameter is
/// frozen (requires_grad = false), so the <see cref="Trainer"/> trains and checkpoints the adapters alone.
/// <see cref="Merge"/> folds the updates into the base weights (W ← W + (α/r)·B·A), after which the model runs at the
/// base's cost. <see cref="SaveAdapter"/> writes the adapters alone (a small file). Takes ownership of the base model
/// (disposing this disposes it). Not thread-safe.
/// </summary>
public sealed class LoraModel : nn.Module<Tensor, Tensor>
{
    /// <summary>The file of an adapter's tensors inside its directory.</summary>
    public const string AdapterFile = "adapter.tensors";

    /// <summary>The adapter's settings inside its directory (rank, α, targets, the layers adapted).</summary>
    public const string ConfigFile = "adapter_config.json";

    readonly GptModel base_model;
    readonly ModuleDict<LoraAdapter> adapters;
    readonly List<(string Layer, Linear Linear, LoraAdapter Adapter, nn.HookableModule<Func<nn.Module<Tensor, Tensor>, Tensor, Tensor>,
        Func<nn.Module<Tensor, Tensor>, Tensor, Tensor, Tensor>>.HookRemover Hook)> _attached = [];

    /// <param name="model">The base (owned from now on; its parameters are frozen).</param>
    /// <param name="options">Validated here.</param>
    /// <exception cref="InputException">Invalid options, or a target that matches no linear layer (naming it and the
    /// layers there are).</exception>
    public LoraModel(GptModel model, LoraOptions options) : base(nameof(LoraModel))
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        var linears = model.named_modules().Where(m => m.module is Linear).Select(m => (m.name, (Linear)m.module)).ToList();
        foreach (string target in options.TargetModules)
            if (!linears.Any(l => Matches(l.name, target)))
                throw new InputException($"lora target '{target}' matches no linear layer of the model; its linear layers end in " +
                    string.Join(", ", linears.Select(l => l.name.Split('.')[^1]).Distinct()) + " (e.g. " + linears.FirstOrDefault().name + ")");
        base_model = model;
        var keep = options.TrainableModules ?? [];
        foreach (string prefix in keep)
            if (!model.named_parameters().Any(p => p.name.StartsWith(prefix + ".", StringComparison.Ordinal)))
                throw new InputException($"lora trainable module '{prefix}' matches no parameter of the model (e.g. wte, ln_f)");
        foreach (var (name, p) in model.named_parameters())
            p.requires_grad = keep.Any(prefix => name.StartsWith(prefix + ".", StringComparison.Ordinal));
        var dict = new List<(string, LoraAdapter)>();
        foreach (var (name, linear) in linears.Where(l => options.TargetModules.Any(t => Matches(l.name, t))))
        {
            var w = linear.weight!;                                                            // (out, in)
            var adapter = new LoraAdapter(w.shape[1], w.shape[0], options, w.device);
            dict.Add((name.Replace('.', '_'), adapter));
            var hook = linear.register_forward_hook((_, x, y) => y + adapter.Delta(x));
            _attached.Add((name, linear, adapter, hook));
        }
        adapters = nn.ModuleDict(dict.ToArray());
        RegisterComponents();
    }

    public LoraOptions Options { get; }

    /// <summary>The base model (its forward includes the adapters until <see cref="Merge"/>).</summary>
    public GptModel Base => base_model;

    /// <summary>The adapted layers' names (h.0.attn.c_attn, …), in model order.</summary>
    public IReadOnlyList<string> Layers => _attached.Select(a => a.Layer).ToArray();

    /// <summary>True once <see cref="Merge"/> has folded the adapters into the base.</summary>
    public bool Merged { get; private set; }

    /// <summary>Parameters the trainer updates: r·(in + out) per adapted layer, plus any <see cref="LoraOptions.TrainableModules"/>.</summary>
    public long TrainableParameterCount => parameters().Where(p => p.requires_grad).Sum(p => p.numel());

    /// <summary>The formula: Σ over adapted layers of r·(in + out) (Hu et al. 2021, §4.2).</summary>
    public static long ExpectedTrainable(IEnumerable<(long In, long Out)> layers, int rank) => layers.Sum(l => rank * (l.In + l.Out));

    /// <summary>The adapted layers' (in, out) widths.</summary>
    public IReadOnlyList<(long In, long Out)> LayerShapes => _attached.Select(a => (a.Linear.weight!.shape[1], a.Linear.weight!.shape[0])).ToArray();

    /// <summary>Logits (B, T, V) of the adapted model.</summary>
    public override Tensor forward(Tensor idx) => base_model.call(idx);

    /// <summary>W ← W + (α/r)·B·A in every adapted layer, then detaches the hooks: the base alone now computes what the
    /// adapted model computed (up to fp32 rounding). Once only.</summary>
    /// <exception cref="InvalidOperationException">Already merged.</exception>
    public void Merge()
    {
        if (Merged) throw new InvalidOperationException("the adapters are already merged");
        using (no_grad())
            foreach (var (_, linear, adapter, hook) in _attached)
            {
                using var delta = adapter.Update();
                linear.weight!.add_(delta);
                hook.remove();
            }
        Merged = true;
    }

    /// <summary>Writes the adapters alone into <paramref name="directory"/>: <see cref="AdapterFile"/> (A and B of each
    /// layer, <see cref="TensorFile"/>) and <see cref="ConfigFile"/> (rank, α, dropout, targets, layers and
    /// <paramref name="baseModel"/>, what they adapt), each atomically.</summary>
    public void SaveAdapter(string directory, string? baseModel = null)
    {
        Directory.CreateDirectory(directory);
        TensorFile.Write(Path.Combine(directory, AdapterFile), SavedTensors().Select(p => KeyValuePair.Create(p.Name, (Tensor)p.Parameter)));
        var config = new JsonObject
        {
            ["format"] = "llmlab-lora", ["version"] = 1, ["r"] = Options.Rank, ["lora_alpha"] = Options.Alpha, ["lora_dropout"] = Options.Dropout,
            ["target_modules"] = new JsonArray(Options.TargetModules.Select(t => (JsonNode?)t).ToArray()),
            ["layers"] = new JsonArray(Layers.Select(l => (JsonNode?)l).ToArray()), ["base_model"] = baseModel,
        };
        AtomicFile.WriteAllText(Path.Combine(directory, ConfigFile), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>The options recorded in an adapter directory.</summary>
    /// <exception cref="InputException">The directory has no readable adapter config.</exception>
    public static LoraOptions ReadOptions(string directory)
    {
        string path = Path.Combine(directory, ConfigFile);
        if (!File.Exists(path)) throw new InputException($"'{directory}' is not a LoRA adapter: it has no {ConfigFile}");
        try
        {
            var j = JsonNode.Parse(File.ReadAllText(path))!;
            return new LoraOptions((int)j["r"]!, (double)j["lora_alpha"]!, (double)j["lora_dropout"]!,
                j["target_modules"]!.AsArray().Select(t => (string)t!).ToArray());
        }
        catch (Exception e) when (e is JsonException or NullReferenceException or InvalidOperationException or FormatException)
        {
            throw new InputException($"'{path}' is not a valid adapter config ({e.Message})");
        }
    }

    /// <summary>Loads adapters written by <see cref="SaveAdapter"/> into this model's (same options and layers).</summary>
    /// <exception cref="InputException">The file is missing, or holds other layers or shapes.</exception>
    public void LoadAdapter(string directory)
    {
        var saved = TensorFile.Read(Path.Combine(directory, AdapterFile));
        try
        {
            using var noGrad = no_grad();
            var mine = SavedTensors();
            if (saved.Count != mine.Count) throw new InputException($"adapter '{directory}' has {saved.Count} tensors, this model's adapters {mine.Count}: other targets or model");
            foreach (var (name, p) in mine)
            {
                if (!saved.TryGetValue(name, out var t)) throw new InputException($"adapter '{directory}' lacks '{name}': other targets or model");
                if (!t.shape.SequenceEqual(p.shape))
                    throw new InputException($"adapter '{directory}': '{name}' is ({string.Join(", ", t.shape)}), this model's ({string.Join(", ", p.shape)})");
                p.copy_(t);
            }
        }
        finally { foreach (var t in saved.Values) t.Dispose(); }
    }

    /// <summary>What an adapter file holds: the adapters, and the base modules left trainable (prefixed "base:").</summary>
    List<(string Name, Parameter Parameter)> SavedTensors() =>
        adapters.named_parameters().Select(p => (p.name, p.parameter))
            .Concat(base_model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => ("base:" + p.name, p.parameter))).ToList();

    /// <summary>True when the layer <paramref name="name"/> (h.0.attn.c_attn) is the target (its last parts equal it).</summary>
    static bool Matches(string name, string target) => name == target || name.EndsWith("." + target, StringComparison.Ordinal);
}
