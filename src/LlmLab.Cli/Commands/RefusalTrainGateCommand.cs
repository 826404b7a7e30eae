using System.Globalization;
using System.Text.Json.Nodes;
using LlmLab.Alignment.Refusal;
using LlmLab.Retrieval.Embeddings;

namespace LlmLab.Cli.Commands;

/// <summary>
/// <c>llmlab refusal train-gate</c>: trains lab 7.3's refusal gate (our logistic regression on hashed n-grams or on
/// MiniLM sentence embeddings) on the policy's generated prompts or on a labelled JSONL file of one's own, writes the
/// gate file <c>serve --refusal-gate</c> loads, and prints its refusal and over-refusal on the built-in hand-written
/// held-out set, at the chosen threshold and across a sweep.
/// </summary>
public sealed class RefusalTrainGateCommand : CliCommand
{
    public override string Name => "refusal train-gate";
    public override string Summary => "train a refusal gate (logistic regression on n-grams or MiniLM embeddings) for serve --refusal-gate";
    public override string Usage =>
        "--out GATE.json [--features ngram|minilm] [--data LABELLED.jsonl] [--threshold 0.5] [--per-category 60] [--l2 0.001] [--seed 0]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "out", "features", "data", "threshold", "per-category", "l2",
        "seed" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "no positional argument");
        string path = args.Get("out") ?? throw new UsageException("--out GATE.json is required", this);
        string features = args.Get("features") ?? "ngram";
        if (features is not ("ngram" or "minilm")) throw new UsageException($"--features must be ngram or minilm (got '{features}')", this);
        double threshold = args.GetDouble("threshold", 0.5, min: 0);
        if (!(threshold > 0 && threshold <= 1)) throw new InputException($"--threshold must be in (0, 1] (got {threshold})");
        int perCategory = args.GetInt("per-category", 60, min: 1);
        double l2 = args.GetDouble("l2", 1e-3, min: 0);
        int seed = args.GetInt("seed", 0);
        string? dataPath = args.Get("data");
        OutputPaths.File(path, "--out", dataPath);
        var train = dataPath is null
            ? RefusalDataset.Generate(new RefusalDataOptions(perCategory, 0, 20, seed)).Train
            : HeldOutSet.Read(dataPath);
        using var encoder = features == "minilm" ? OnnxSentenceEncoder.CreateMiniLm() : null;
        PromptFeaturizer featurizer = encoder is null ? new NgramFeaturizer() : new EmbeddingFeaturizer(encoder, encoder.ModelId,
            encoder.Dimensions);
        var classifier = RefusalClassifier.TrainAsync(featurizer, train, new LogisticRegressionOptions(l2)).GetAwaiter().GetResult();
        var gate = new RefusalGate(classifier, threshold);
        RefusalGateFile.Save(path, gate, new JsonObject
        {
            ["data"] = dataPath is null ? $"generated, {perCategory} per category, seed {seed}" : Path.GetFullPath(dataPath),
            ["prompts"] = train.Count, ["l2"] = l2, ["iterations"] = classifier.Model.Iterations,
                ["converged"] = classifier.Model.Converged,
        });
        var held = HeldOutSet.BuiltIn();
        bool[] y = held.Select(p => p.Unsafe).ToArray();
        double[] s = classifier.ScoreAsync(held.Select(p => p.Text).ToArray()).GetAwaiter().GetResult();
        var c = RefusalConfusion.Of(y, s.Select(v => v >= threshold).ToArray());
        var inv = CultureInfo.InvariantCulture;
        @out.WriteLine(string.Create(inv, $"trained on {train.Count} prompts ({train.Count(p => p.Unsafe)} unsafe), {featurizer.Title}; " +
            $"{classifier.Model.Iterations} steps{(classifier.Model.Converged ? "" : " (not converged: raise --l2)")}; wrote {path}"));
        @out.WriteLine(string.Create(inv, $"hand-written held-out set ({held.Count} prompts): refusal {c.RefusalRate:P1}, over-refusal " +
            $"{c.OverRefusalRate:P1} " +
            $"at threshold {threshold}; AUC {ThresholdSweep.Auc(s, y):0.000}"));
        foreach (var p in ThresholdSweep.Compute(s, y, [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]))
            @out.WriteLine(string.Create(inv, $"  threshold {p.Threshold:0.0}: refusal {p.RefusalRate:P1}, over-refusal " +
                $"{p.OverRefusalRate:P1}"));
        return 0;
    }
}
