using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using LlmLab.Nn.Gpt;

namespace LlmLab.Training;

/// <summary>
/// A GPT pretraining run as a JSON file, the input of <c>llmlab train --config</c>:
/// <code>
/// { "model":   { GptConfig's config.json keys: "n_layer", "n_embd", … },
///   "data":    { "corpus", "field", "tokenizer", "vocab_size", "train_bytes", "validation_bytes", "shards" },
///   "trainer": { TrainerOptions in snake_case: "steps", "batch", "context", "learning_rate", … },
///   "seed": 1337, "threads": 2, "checkpoint_every": 100, "keep_last": 3, "out": "runs/train" }
/// </code>
/// Strict: an unknown key anywhere is an <see cref="InputException"/> naming it and listing the known ones;
/// <c>--set section.key=value</c> overrides apply to the JSON before it is read. Immutable.
/// </summary>
public sealed record PretrainingConfig
{
    public GptConfig Model { get; init; } = new();
    public PretrainingData Data { get; init; } = new();
    public TrainerOptions Trainer { get; init; } = new(Steps: 100, Batch: 8, Context: 1024, LearningRate: 6e-4);

    /// <summary>Seeds the weights, the dropout masks and the batches.</summary>
    public long Seed { get; init; } = 1337;

    /// <summary>Intra-op threads; null = <c>TorchRuntime.DefaultThreads</c>.</summary>
    public int? Threads { get; init; }

    /// <summary>Steps between checkpoints (and the last step).</summary>
    public int CheckpointEvery { get; init; } = 100;

    /// <summary>Checkpoints kept besides the best by validation loss.</summary>
    public int KeepLast { get; init; } = 3;

    /// <summary>The run's directory (checkpoints, metrics.jsonl, config.json); the CLI's --out overrides it.</summary>
    public string? Out { get; init; }

    /// <summary>Data parallelism under <c>mpirun</c>: "ddp", "zero1", "zero2", "zero3" (<see cref="Distributed.ShardedDataParallel"/>);
    /// null = DDP when started by mpirun with several ranks, one process otherwise. trainer.batch is per rank.</summary>
    public string? DataParallel { get; init; }

    /// <summary>Whether the JSON (or a --set) gave data.vocab_size: for a given tokenizer it must then match it
    /// (checked where the tokenizer is opened), rather than be ignored.</summary>
    internal bool DataVocabSizeGiven { get; init; }

    static readonly string[] TopKeys = ["model", "data", "trainer", "seed", "threads", "checkpoint_every", "keep_last", "out",
        "data_parallel"];

    /// <summary>Reads <paramref name="path"/>, applies <paramref name="overrides"/> ("trainer.steps=10"), validates.</summary>
    /// <exception cref="InputException">A missing file, bad JSON, an unknown key, a wrong type or an impossible shape.</exception>
    public static PretrainingConfig Load(string path, IEnumerable<string>? overrides = null)
    {
        if (!File.Exists(path)) throw new InputException($"config '{path}' does not exist: give a JSON file (see docs/part-06.md)");
        return Parse(File.ReadAllText(path), path, overrides);
    }

    /// <summary>Parses config text (see <see cref="Load"/>); <paramref name="source"/> names it in messages.</summary>
    public static PretrainingConfig Parse(string json, string source, IEnumerable<string>? overrides = null)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw new InputException($"{source}: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new InputException($"{source}: not valid JSON ({e.Message})", e);
        }
        foreach (string o in overrides ?? []) Override(root, o);
        Known(root, TopKeys, "", source);
        // A null section would silently mean its defaults (a null "model" is GPT-2 small: 124M parameters, GBs of checkpoints).
        foreach (string section in (string[])["model", "data", "trainer"])
            if (root.TryGetPropertyValue(section, out var n) && n is not JsonObject)
                throw new InputException($"{source}: \"{section}\" must be an object of {section} keys (got {n?.ToJsonString() ?? "null"}); " +
                                         "leave the key out to take every default");
        Known(root["data"] as JsonObject, KeysOf(typeof(PretrainingData)), "data.", source);
        Known(root["trainer"] as JsonObject, KeysOf(typeof(TrainerOptions)), "trainer.", source);
        var config = new PretrainingConfig();
        config = config with
        {
            Model = root["model"] is JsonObject m ? GptConfig.FromJson(m.ToJsonString(), source + " (model)") : config.Model,
            Data = Read(root, "data", config.Data, source),
            Trainer = Read(root, "trainer", config.Trainer, source),
            Seed = Read(root, "seed", config.Seed, source),
            Threads = Read(root, "threads", config.Threads, source),
            CheckpointEvery = Read(root, "checkpoint_every", config.CheckpointEvery, source),
            KeepLast = Read(root, "keep_last", config.KeepLast, source),
            Out = Read(root, "out", config.Out, source),
            DataParallel = Read(root, "data_parallel", config.DataParallel, source),
            DataVocabSizeGiven = root["data"]?["vocab_size"] is not null,
        };
        config.Validate(source);
        return config;
    }

    /// <summary>The value of <paramref name="key"/>, or <paramref name="fallback"/> when it is absent; a wrong type is an
    /// error naming the key path ("trainer.steps").</summary>
    static T Read<T>(JsonObject root, string key, T fallback, string source)
    {
        if (!root.TryGetPropertyValue(key, out var node)) return fallback;
        try
        {
            return node.Deserialize<T>(TrainingJson.Strict)!;
        }
        catch (JsonException e)
        {
            string path = e.Path is { Length: > 1 } p ? key + p[1..] : key;
            throw new InputException($"{source}: {path} has the wrong type or value ({node?.ToJsonString()}): expected {Describe(typeof(T))}", e);
        }
    }

    static string Describe(Type t) => Nullable.GetUnderlyingType(t) is { } u ? Describe(u) + " or null"
        : t == typeof(int) || t == typeof(long) ? "an integer" : t == typeof(string) ? "a string" : "the section's keys with numbers, strings or true/false";

    /// <summary>Rejects a run that cannot work, naming the key.</summary>
    /// <exception cref="InputException">The first problem found.</exception>
    public void Validate(string source = "config")
    {
        Model.Validate();
        Data.Validate(source);
        try
        {
            Trainer.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InputException($"{source}: {e.Message.Replace("TrainerOptions.", "trainer.", StringComparison.Ordinal)}", e);
        }
        if (Trainer.Context > Model.Context)
            throw new InputException(Inv($"{source}: trainer.context ({Trainer.Context}) is longer than model.n_positions ({Model.Context}): shorten one or lengthen the other"));
        if (Data.Tokenizer == "bpe" && Data.VocabSize != Model.VocabSize)
            throw new InputException(Inv($"{source}: data.vocab_size ({Data.VocabSize}) and model.vocab_size ({Model.VocabSize}) must be equal for a trained BPE tokenizer"));
        if (CheckpointEvery < 1) throw new InputException(Inv($"{source}: checkpoint_every must be >= 1 (got {CheckpointEvery})"));
        if (KeepLast < 1) throw new InputException(Inv($"{source}: keep_last must be >= 1 (got {KeepLast})"));
        if (DataParallel is not null) Distributed.ShardedDataParallel.ParseStage(DataParallel, source + ": data_parallel");
        if (Threads is < 1) throw new InputException(Inv($"{source}: threads must be >= 1 or null (got {Threads})"));
    }

    /// <summary>The resolved config as JSON (what a run saves as config.json).</summary>
    public JsonObject ToJson() => new()
    {
        ["model"] = JsonNode.Parse(Model.ToJson()),
        ["data"] = DataJson(),
        ["trainer"] = TrainingJson.ToObject(Trainer),
        ["seed"] = Seed,
        ["threads"] = Threads,
        ["checkpoint_every"] = CheckpointEvery,
        ["keep_last"] = KeepLast,
        ["out"] = Out,
        ["data_parallel"] = DataParallel,
    };

    /// <summary>The data section; without vocab_size for a given tokenizer (its own size counts), so that the saved
    /// config.json can be given back to <c>llmlab train</c>.</summary>
    JsonObject DataJson()
    {
        var data = TrainingJson.ToObject(Data);
        if (Data.Tokenizer != "bpe" && !DataVocabSizeGiven) data.Remove("vocab_size");
        return data;
    }

    /// <summary>What a checkpoint must share with the run that resumes it: the model and the data (the trainer's own
    /// fields are compared by the trainer, the seed through the batch position).</summary>
    public JsonObject CheckpointIdentity() => new() { ["model"] = JsonNode.Parse(Model.ToJson()), ["data"] = TrainingJson.ToObject(Data) };

    /// <summary>Applies "section.key=value": the value is read as JSON (number, true/false, null), else as a string.</summary>
    static void Override(JsonObject root, string assignment)
    {
        int eq = assignment.IndexOf('=');
        if (eq <= 0) throw new InputException($"--set {assignment}: expected key=value, e.g. trainer.steps=200");
        string[] path = assignment[..eq].Split('.');
        string raw = assignment[(eq + 1)..];
        JsonNode? value;
        try { value = JsonNode.Parse(raw); }
        catch (JsonException) { value = JsonValue.Create(raw); }
        var node = root;
        foreach (string part in path[..^1])
        {
            if (node[part] is not JsonObject child)
            {
                if (node[part] is not null) throw new InputException($"--set {assignment}: '{part}' is not a section");
                node[part] = child = new JsonObject();
            }
            node = child;
        }
        node[path[^1]] = value;
    }

    static void Known(JsonObject? node, IReadOnlyList<string> keys, string prefix, string source)
    {
        if (node is null) return;
        foreach (var (key, _) in node)
            if (!keys.Contains(key))
                throw new InputException($"{source}: unknown key '{prefix}{key}'; the known keys are {string.Join(", ", keys.Select(k => prefix + k))}");
    }

    static string[] KeysOf(Type type) => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is null && p.CanWrite)
        .Select(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name)).ToArray();

    static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
