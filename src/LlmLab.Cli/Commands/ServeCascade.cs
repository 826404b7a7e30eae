using System.Globalization;
using LlmLab.Inference;
using LlmLab.Monitoring.Cascade;
using LlmLab.Training;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab serve --cascade small=DIR,large=DIR[,threshold=0.5]</c>: two chat checkpoints behind a
/// <see cref="CascadeChatClient"/> scored by the small answer's mean token log-probability; prices from each model's
/// parameter count (2 FLOPs per parameter per token). The threshold is the confidence below which the large model answers
/// (lab 10.3 calibrates one on a validation split).</summary>
internal sealed class ServeCascade : IDisposable
{
    readonly List<IDisposable> _owned = [];

    public required CascadeChatClient Client { get; init; }
    public required GenerationEngine Engine { get; init; }
    public required ChatTemplate Template { get; init; }

    /// <summary>Reads the spec (before anything loads) and returns (small, large, threshold).</summary>
    public static (string Small, string Large, double Threshold) Parse(string spec)
    {
        var parts = spec.Split(',').Select(p => p.Split('=', 2)).ToList();
        if (parts.Any(p => p.Length != 2 || p[1].Length == 0) || parts.Select(p => p[0]).Distinct().Count() != parts.Count)
            throw new InputException($"--cascade '{spec}': give small=DIR,large=DIR[,threshold=X]");
        var map = parts.ToDictionary(p => p[0], p => p[1]);
        if (map.Keys.FirstOrDefault(k => k is not ("small" or "large" or "threshold")) is { } unknown)
            throw new InputException($"--cascade: unknown part '{unknown}': give small=DIR,large=DIR[,threshold=X]");
        if (!map.TryGetValue("small", out var small) || !map.TryGetValue("large", out var large))
            throw new InputException("--cascade needs both small=DIR and large=DIR");
        double threshold = 0.5;
        if (map.TryGetValue("threshold", out var t) && (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out threshold)
                                                        || threshold is < 0 or > 1 || double.IsNaN(threshold)))
            throw new InputException($"--cascade threshold={t}: the confidence threshold is a number in [0, 1]");
        foreach (var (name, dir) in new[] { ("small", small), ("large", large) })
            if (!Directory.Exists(dir)) throw new InputException($"--cascade {name}={dir}: no such checkpoint directory");
        return (small, large, threshold);
    }

    /// <summary>Loads both models (and the large one once more for the server's other routes).</summary>
    public static ServeCascade Load(string small, string large, double threshold, string modelId)
    {
        var owned = new List<IDisposable>();
        LocalChatClient Client(string dir, string id, out long parameters)
        {
            var (model, tokenizer, ckpt) = GptPretraining.Load(dir);
            owned.Add(model);
            parameters = model.ParameterCount;
            return new LocalChatClient(new GenerationEngine(model, tokenizer, PromptOverflow.Error), id, ChatCheckpoint(ckpt),
                new SamplingParams(Temperature: 0, MaxTokens: 128));
        }
        var s = Client(small, "small", out long sp);
        var l = Client(large, "large", out long lp);
        var (main, mainTok, mainCk) = GptPretraining.Load(large);
        var cascade = new CascadeChatClient(s, l, new MeanLogProbScorer(), threshold, ModelPrice.FromParameters(sp), ModelPrice.FromParameters(lp), modelId);
        var result = new ServeCascade
        {
            Client = cascade, Engine = new GenerationEngine(main, mainTok, PromptOverflow.Error), Template = ChatCheckpoint(mainCk),
        };
        result._owned.AddRange(owned);
        return result;
    }

    static ChatTemplate ChatCheckpoint(CheckpointInfo ckpt) => ServeCommand.TemplateOf(ckpt);

    public void Dispose()
    {
        foreach (var d in _owned) d.Dispose();
    }
}
