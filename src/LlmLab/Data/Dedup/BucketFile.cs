namespace LlmLab.Data.Dedup;

/// <summary>
/// buckets.bin, the buckets stage's output. After the header (see <see cref="StageFile"/>; its input id is the
/// signatures' run id): int64 N; int32 L, then L exact links (int32 duplicate, int32 first occurrence); int64 P, then
/// P candidate pairs packed as int64 (a &lt;&lt; 32 | b, a &lt; b), ascending; int32 capped buckets; int32 largest bucket.
/// </summary>
internal static class BucketFile
{
    public const string Magic = "LLBK", Name = "buckets.bin", MadeBy = "buckets";

    public sealed record Contents(StageHeader Header, int Documents, (int Dup, int First)[] Links, long[] Pairs, int CappedBuckets,
        int LargestBucket);

    public static Contents Read(string path)
    {
        using var r = StageFile.Open(path, MadeBy);
        var header = StageFile.ReadHeader(r, path, Magic, MadeBy);
        return StageFile.Guard(path, MadeBy, () =>
        {
            int n = checked((int)r.ReadInt64());
            var links = new (int, int)[r.ReadInt32()];
            for (int i = 0; i < links.Length; i++) links[i] = (r.ReadInt32(), r.ReadInt32());
            var pairs = new long[checked((int)r.ReadInt64())];
            for (int i = 0; i < pairs.Length; i++) pairs[i] = r.ReadInt64();
            return new Contents(header, n, links, pairs, r.ReadInt32(), r.ReadInt32());
        });
    }
}
