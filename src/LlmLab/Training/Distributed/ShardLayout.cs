using System.Globalization;
using System.Text.Json.Nodes;
using LlmLab.Optim;
using TorchSharp.Modules;

namespace LlmLab.Training.Distributed;

/// <summary>
/// The sharding manifest every trainer checkpoint carries (under <see cref="Key"/> in <c>checkpoint.json</c>): how many
/// ranks wrote it, which rank this part is, the stage, and the flat buckets — for each, its parameters' names, shapes and
/// offsets in the flat vector, its length, and the shard length k (padded length N·k). With it, the flat shards of any
/// stage and world size can be concatenated, stripped of their padding and split again for another (resharding: FSDP's
/// sharded state dict and DeepSpeed's universal checkpoint do the same per parameter). Immutable.
/// </summary>
/// <param name="WorldSize">N of the run that wrote the checkpoint (1 for one process).</param>
/// <param name="Rank">The rank whose part this is.</param>
/// <param name="Stage">"one process", "ddp", "zero1", "zero2" or "zero3".</param>
/// <param name="Buckets">The flat buckets in order (one process: the optimizer's groups, unpadded).</param>
public sealed record ShardLayout(int WorldSize, int Rank, string Stage, IReadOnlyList<ShardLayout.Bucket> Buckets)
{
    /// <summary>The manifest key.</summary>
    public const string Key = "sharding";

    /// <summary>The stage name of a run without data parallelism.</summary>
    public const string OneProcess = "one process";

    /// <summary>One flat bucket: elements [Rank·k, (Rank+1)·k) of it are this rank's shard.</summary>
    public sealed record Bucket(string Name, long Length, long ShardLength, IReadOnlyList<Slot> Parameters);

    /// <summary>A parameter's place in its bucket's flat vector.</summary>
    public sealed record Slot(string Name, long[] Shape, long Offset)
    {
        /// <summary>Elements of the parameter.</summary>
        public long Numel => Shape.Aggregate(1L, (a, b) => a * b);
    }

    /// <summary>Whether the optimizer state is kept per parameter (one process, DDP) rather than per bucket shard.</summary>
    public bool PerParameterState => Stage is OneProcess or "ddp";

    /// <summary>Every parameter of every bucket, in order.</summary>
    public IEnumerable<(Bucket Bucket, Slot Slot)> Slots => Buckets.SelectMany(b => b.Parameters.Select(s => (b, s)));

    internal static ShardLayout Of(IReadOnlyList<FlatBucket> buckets, int worldSize, int rank, string stage) =>
        new(worldSize, rank, stage, buckets.Select(b =>
            new Bucket(b.Name, b.Length, b.ShardLength, Place(b.Parameters.Select(p => p.Name), b.Shapes))).ToList());

    /// <summary>The layout of a one-process run: its trained weights grouped as the trainer's AdamW groups them.</summary>
    internal static ShardLayout ForOneProcess(IReadOnlyList<(string Name, Parameter Parameter)> masters, double weightDecay) =>
        new(1, 0, OneProcess, ParameterGroup.DecayMatricesOnly(masters, weightDecay).Where(g => g.Parameters.Count > 0).Select(g =>
        {
            var slots = Place(g.Parameters.Select(p => p.Name), g.Parameters.Select(p => p.Parameter.shape.ToArray()).ToList());
            long length = slots.Sum(s => s.Numel);
            return new Bucket(g.Name, length, length, slots);
        }).ToList());

    static List<Slot> Place(IEnumerable<string> names, IReadOnlyList<long[]> shapes)
    {
        long offset = 0;
        var slots = new List<Slot>();
        foreach (var (name, shape) in names.Zip(shapes))
        {
            var slot = new Slot(name, shape, offset);
            slots.Add(slot);
            offset += slot.Numel;
        }
        return slots;
    }

    /// <summary>The manifest's JSON.</summary>
    public JsonObject ToJson() => new()
    {
        ["world_size"] = WorldSize,
        ["rank"] = Rank,
        ["stage"] = Stage,
        ["buckets"] = new JsonArray(Buckets.Select(b => (JsonNode)new JsonObject
        {
            ["name"] = b.Name,
            ["length"] = b.Length,
            ["shard_length"] = b.ShardLength,
            ["padded_length"] = b.ShardLength * WorldSize,
            ["parameters"] = new JsonArray(b.Parameters.Select(s => (JsonNode)new JsonObject
            {
                ["name"] = s.Name,
                ["shape"] = new JsonArray(s.Shape.Select(d => (JsonNode)d).ToArray()),
                ["offset"] = s.Offset,
            }).ToArray()),
        }).ToArray()),
    };

    /// <summary>The layout recorded in <paramref name="checkpoint"/>'s manifest.</summary>
    /// <exception cref="InputException">No manifest (a checkpoint written before resharding existed), or a malformed one;
    /// the message names the file.</exception>
    public static ShardLayout Read(CheckpointInfo checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        string file = Path.Combine(checkpoint.Directory, Checkpoint.ManifestName);
        if (checkpoint.Json[Key] is not JsonObject o)
            throw new InputException($"'{file}' has no \"{Key}\" manifest (it was written before checkpoints recorded their layout): " +
                                     "it can only be resumed by the same number of ranks and stage, by an llmlab of its time");
        try
        {
            var buckets = ((JsonArray)o["buckets"]!).Select(b => new Bucket(
                (string)b!["name"]!, (long)b["length"]!, (long)b["shard_length"]!,
                ((JsonArray)b["parameters"]!).Select(s => new Slot((string)s!["name"]!,
                    ((JsonArray)s["shape"]!).Select(d => (long)d!).ToArray(), (long)s["offset"]!)).ToList())).ToList();
            var layout = new ShardLayout((int)o["world_size"]!, (int)o["rank"]!, (string)o["stage"]!, buckets);
            if (layout.WorldSize < 1 || layout.Rank < 0 || layout.Rank >= layout.WorldSize)
                throw new InputException($"'{file}': {Key}.rank {layout.Rank} is not a rank of {layout.WorldSize}");
            foreach (var b in buckets)
                if (b.Parameters.Sum(s => s.Numel) != b.Length || b.ShardLength * layout.WorldSize < b.Length)
                    throw new InputException($"'{file}': {Key} bucket '{b.Name}' does not add up " +
                                             $"(length {b.Length}, shard {b.ShardLength})");
            return layout;
        }
        catch (Exception e) when (e is NullReferenceException or InvalidCastException or InvalidOperationException or FormatException)
        {
            throw new InputException($"'{file}': the \"{Key}\" manifest is malformed ({e.Message}): the checkpoint is damaged", e);
        }
    }

    /// <summary>Throws naming <paramref name="file"/> unless this layout holds exactly the parameters of
    /// <paramref name="masters"/>, with their shapes.</summary>
    /// <exception cref="InputException">A parameter missing, extra or of another shape.</exception>
    public void CheckMatches(IReadOnlyList<(string Name, Parameter Parameter)> masters, string file)
    {
        ArgumentNullException.ThrowIfNull(masters);
        var mine = Slots.ToDictionary(s => s.Slot.Name, s => s.Slot.Shape, StringComparer.Ordinal);
        string Shape(IEnumerable<long> s) => "(" + string.Join(", ", s.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")";
        foreach (var (name, p) in masters)
        {
            if (!mine.Remove(name, out var shape))
                throw new InputException($"'{file}': its layout has no parameter '{name}': it was written for another model config");
            if (!shape.SequenceEqual(p.shape))
                throw new InputException($"'{file}': its layout has '{name}' as {Shape(shape)} and this model as {Shape(p.shape)}: " +
                                         "it was written for another model config");
        }
        if (mine.Count > 0)
            throw new InputException($"'{file}': its layout has parameters this model lacks ({string.Join(", ", mine.Keys.Take(3))}): " +
                                     "it was written for another model config");
    }
}
