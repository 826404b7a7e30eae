using System.Text.Json;
using System.Text.Json.Nodes;
using LlmLab.Runtime;
using Microsoft.Extensions.AI;

namespace LlmLab.Alignment.Refusal;

/// <summary>
/// A trained <see cref="RefusalGate"/> on disk: one JSON object —
/// <c>{"format":"llmlab-refusal-gate","version":1,"policy_version":1,"features":{…},"threshold":…,"bias":…,
/// "weights":[…],"refusal":"…","training":{…}}</c> where <c>features</c> is <c>{"kind":"ngram","buckets","word_n",
/// "char_n"}</c> or <c>{"kind":"embedding","model","dimension"}</c> and <c>training</c> is free-form provenance. Written
/// to a temporary name and renamed. The reader is strict: an unknown or missing key, a wrong type, a non-finite
/// weight, a weight count other than the dimension, or another format or version is an error naming the file and key.
/// Stateless and thread-safe.
/// </summary>
public static class RefusalGateFile
{
    /// <summary>The format tag.</summary>
    public const string Format = "llmlab-refusal-gate";

    /// <summary>The version this code writes and reads.</summary>
    public const int Version = 1;

    static readonly string[] TopKeys = ["format", "version", "policy_version", "features", "threshold", "bias", "weights", "refusal",
        "training"];

    /// <summary>Writes <paramref name="gate"/> with optional provenance <paramref name="training"/>.</summary>
    public static void Save(string path, RefusalGate gate, JsonObject? training = null)
    {
        ArgumentNullException.ThrowIfNull(gate);
        var weights = new JsonArray();
        foreach (double w in gate.Classifier.Model.Weights) weights.Add(w);
        var o = new JsonObject
        {
            ["format"] = Format, ["version"] = Version, ["policy_version"] = RefusalPolicy.Version,
            ["features"] = gate.Classifier.Featurizer.Describe(), ["threshold"] = gate.Threshold, ["bias"] = gate.Classifier.Model.Bias,
            ["weights"] = weights, ["refusal"] = gate.RefusalText, ["training"] = training ?? new JsonObject(),
        };
        AtomicFile.WriteAllText(path, o.ToJsonString());
    }

    /// <summary>The embedding model a gate file needs (null for an n-gram gate).</summary>
    /// <exception cref="InputException">A missing or malformed file.</exception>
    public static string? EmbeddingModel(string path)
    {
        var features = Obj(Root(path), "features", path);
        return Str(features, "kind", path, "features.") == "embedding" ? Str(features, "model", path, "features.") : null;
    }

    /// <summary>Reads a gate. <paramref name="embeddings"/> serves an embedding gate (ignored for an n-gram one).</summary>
    /// <exception cref="InputException">A missing or malformed file, an embedding gate without a generator, or a
    /// generator of another dimension (found at first use).</exception>
    public static RefusalGate Load(string path, IEmbeddingGenerator<string, Embedding<float>>? embeddings = null)
    {
        var root = Root(path);
        foreach (var kv in root)
            if (!TopKeys.Contains(kv.Key)) throw new InputException($"{path}: unknown key '{kv.Key}' (a gate file has " +
                $"{string.Join(", ", TopKeys)})");
        if (Str(root, "format", path) != Format)
            throw new InputException($"{path}: \"format\" must be \"{Format}\": not a refusal gate file");
        int version = Int(root, "version", path);
        if (version != Version) throw new InputException($"{path}: gate file version {version} is not supported (this llmlab reads " +
            $"version {Version})");
        int policy = Int(root, "policy_version", path);
        if (policy != RefusalPolicy.Version)
            throw new InputException($"{path}: the gate was trained under policy version {policy}, this llmlab has " +
                $"{RefusalPolicy.Version}: retrain it");
        var featurizer = Featurizer(Obj(root, "features", path), path, embeddings);
        if (root["weights"] is not JsonArray arr) throw new InputException($"{path}: \"weights\" must be an array of numbers");
        if (arr.Count != featurizer.Dimension)
            throw new InputException($"{path}: \"weights\" has {arr.Count} entries but the features have {featurizer.Dimension} " +
                $"dimensions");
        var w = new double[arr.Count];
        for (int i = 0; i < w.Length; i++) w[i] = Num(arr[i], $"weights[{i}]", path);
        double bias = Num(root["bias"], "bias", path);
        double threshold = Num(root["threshold"], "threshold", path);
        if (!(threshold > 0 && threshold <= 1)) throw new InputException($"{path}: \"threshold\" must be in (0, 1] (got {threshold})");
        if (root["training"] is not null and not JsonObject) throw new InputException($"{path}: \"training\" must be an object");
        return new RefusalGate(new RefusalClassifier(featurizer, new LogisticRegression(w, bias)), threshold, Str(root, "refusal", path));
    }

    static PromptFeaturizer Featurizer(JsonObject f, string path, IEmbeddingGenerator<string, Embedding<float>>? embeddings)
    {
        string kind = Str(f, "kind", path, "features.");
        string[] keys = kind switch
        {
            "ngram" => ["kind", "buckets", "word_n", "char_n"],
            "embedding" => ["kind", "model", "dimension"],
            _ => throw new InputException($"{path}: features.kind must be \"ngram\" or \"embedding\" (got '{kind}')"),
        };
        foreach (var kv in f)
            if (!keys.Contains(kv.Key)) throw new InputException($"{path}: unknown key 'features.{kv.Key}' for kind {kind}");
        try
        {
            if (kind == "ngram") return new NgramFeaturizer(Int(f, "buckets", path, "features."), Int(f, "word_n", path, "features."),
                Int(f, "char_n", path, "features."));
            string model = Str(f, "model", path, "features.");
            int dim = Int(f, "dimension", path, "features.");
            if (embeddings is null) throw new InputException($"{path}: this gate needs sentence embeddings from '{model}' ({dim} " +
                $"dimensions): give an embedding generator");
            return new EmbeddingFeaturizer(embeddings, model, dim);
        }
        catch (InputException e) when (!e.Message.StartsWith(path,
            StringComparison.Ordinal)) { throw new InputException($"{path}: {e.Message}"); }
    }

    static JsonObject Root(string path)
    {
        if (!File.Exists(path)) throw new InputException($"gate file '{path}' does not exist (train one with 'llmlab refusal train-gate')");
        try { return JsonNode.Parse(File.ReadAllText(path)) as JsonObject
            ?? throw new InputException($"{path}: a gate file is one JSON object"); }
        catch (JsonException e) { throw new InputException($"{path}: not valid JSON ({e.Message.Split('.')[0]})"); }
    }

    static JsonObject Obj(JsonObject o, string key, string path) =>
        o[key] as JsonObject ?? throw new InputException($"{path}: \"{key}\" must be an object");

    static string Str(JsonObject o, string key, string path, string prefix = "") =>
        o[key] is JsonValue v && v.TryGetValue(out string? s) && s.Length > 0 ? s
            : throw new InputException($"{path}: \"{prefix}{key}\" must be a non-empty string");

    static int Int(JsonObject o, string key, string path, string prefix = "") =>
        o[key] is JsonValue v && v.TryGetValue(out int i) ? i : throw new InputException($"{path}: \"{prefix}{key}\" must be an integer");

    static double Num(JsonNode? n, string key, string path) =>
        n is JsonValue v && v.TryGetValue(out double d) && double.IsFinite(d) ? d
            : throw new InputException($"{path}: \"{key}\" must be a finite number");
}
