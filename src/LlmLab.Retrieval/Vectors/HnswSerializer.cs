namespace LlmLab.Retrieval.Vectors;

/// <summary>
/// Binary form of an <see cref="HnswIndex"/>: magic "LLHNSW", version, parameters, then each node's key, tombstone,
/// vector and links per layer, so an index loads without rebuilding. Thread-safe (stateless).
/// </summary>
public static class HnswSerializer
{
    static readonly byte[] Magic = "LLHNSW"u8.ToArray();
    const int Version = 1;

    /// <summary>Writes the index to <paramref name="stream"/> (the caller owns the stream).</summary>
    public static void Save(HnswIndex index, Stream stream)
    {
        using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(Version);
        var o = index.Options;
        w.Write(index.Dimensions); w.Write(o.M); w.Write(o.EfConstruction); w.Write(o.EfSearch); w.Write(o.Seed);
        w.Write(index.NodeCount); w.Write(index.EntryPoint); w.Write(index.TopLayer);
        for (int n = 0; n < index.NodeCount; n++)
        {
            w.Write(index.Keys[n]);
            w.Write(index.Deleted[n]);
            foreach (float x in index.Vectors[n]) w.Write(x);
            var links = index.Links[n];
            w.Write(links.Length);
            foreach (var layer in links)
            {
                w.Write(layer.Length);
                foreach (int e in layer) w.Write(e);
            }
        }
    }

    /// <summary>Reads an index written by <see cref="Save"/>; a wrong magic or version is an <see cref="InvalidDataException"/>.</summary>
    public static HnswIndex Load(Stream stream)
    {
        using var r = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic)) throw new InvalidDataException("not an HNSW index (bad magic)");
        int version = r.ReadInt32();
        if (version != Version) throw new InvalidDataException($"HNSW index version {version}, this build reads {Version}");
        int dims = r.ReadInt32();
        var options = new HnswOptions(r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32());
        int count = r.ReadInt32();
        // Later insertions draw levels from a generator seeded past the stored nodes (the original's state is not saved).
        var index = new HnswIndex(dims, options with { Seed = options.Seed + count });
        int entry = r.ReadInt32(), top = r.ReadInt32();
        for (int n = 0; n < count; n++)
        {
            long key = r.ReadInt64();
            bool deleted = r.ReadBoolean();
            var v = new float[dims];
            for (int i = 0; i < dims; i++) v[i] = r.ReadSingle();
            var links = new int[r.ReadInt32()][];
            for (int l = 0; l < links.Length; l++)
            {
                links[l] = new int[r.ReadInt32()];
                for (int i = 0; i < links[l].Length; i++) links[l][i] = r.ReadInt32();
            }
            index.Vectors.Add(v);
            index.Keys.Add(key);
            index.Deleted.Add(deleted);
            index.Links.Add(links);
            if (!deleted) index.NodeOfKey[key] = n;
        }
        index.EntryPoint = entry;
        index.TopLayer = top;
        return index;
    }
}
