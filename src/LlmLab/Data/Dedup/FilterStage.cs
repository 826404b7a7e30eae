using System.Diagnostics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using LlmLab.Runtime;
using LlmLab.Text;

namespace LlmLab.Data.Dedup;

/// <summary>What the filter stage wrote.</summary>
/// <param name="Kept">Documents written to the output.</param>
/// <param name="ExactRemoved">Documents removed as exact duplicates.</param>
/// <param name="NearRemoved">Documents removed as near-duplicates.</param>
/// <param name="Largest">The largest clusters, with the start of their texts.</param>
/// <param name="Borderline">Near-duplicate removals closest to the threshold (removed document and its partner).</param>
/// <param name="Seconds">Wall-clock time of the stage.</param>
public sealed record FilterStageResult(long Kept, long ExactRemoved, long NearRemoved, IReadOnlyList<DedupExample> Largest,
    IReadOnlyList<DedupBorderlinePair> Borderline, double Seconds);

/// <summary>
/// Stage 4: a second streaming pass over the corpus that writes the kept documents as JSON Lines, in corpus order,
/// and every removed one, with its reason, its cluster's kept document, the document that explains it and their
/// Jaccard similarity, to a second JSONL file. Both are written atomically.
/// </summary>
/// <remarks>A document read from a JSON Lines record (<see cref="Document.Json"/>) is written as that record,
/// unchanged, so the input's own <c>id</c> and other fields survive; in the removed file it is under
/// <c>"record"</c>, beside our locator <c>"id"</c> (file:line). Documents without a record (text files, Parquet, the
/// SDK docs) are written as <c>{"id", "source", "text"}</c>.
/// Also checks that the corpus is the one the signatures were computed from (same documents, same ids, same order)
/// and refuses otherwise. Holds one document at a time, plus the snippets of the examples it reports.</remarks>
public static class FilterStage
{
    /// <summary>Characters of text shown per example.</summary>
    public const int SnippetChars = 240;

    public static FilterStageResult Run(IDocumentSource source, string workDir, string outputPath, string removedPath, DedupOptions options,
        int examples = 5, IProgress<DedupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        options.Validate();
        var clock = Stopwatch.StartNew();
        var (clusters, header) = DedupClusters.ReadWithHeader(workDir);
        string clusterPath = Path.Combine(workDir, DedupClusters.FileName);
        StageSettings.Check(clusterPath, header.Settings, StageSettings.For(DedupStage.Filter, options));
        string bucketPath = Path.Combine(workDir, BucketFile.Name), sigPath = Path.Combine(workDir, SignatureFile.SignaturesName);
        var bucketHeader = StageFile.ReadHeaderOnly(bucketPath, BucketFile.Magic, BucketFile.MadeBy);
        if (bucketHeader.Run != header.Input)
            throw new InputException($"'{clusterPath}' was not made from the '{bucketPath}' beside it: run the clusters stage again");
        int n = clusters.Count;

        // 1. Which documents' ids and texts the outputs need: kept documents of clusters with removals, partners, examples.
        var keptOf = new Dictionary<int, int>();
        for (int i = 0; i < n; i++) if (clusters.Reason[i] == DedupReason.Kept) keptOf[clusters.Cluster[i]] = i;
        var sizes = new Dictionary<int, int>();
        foreach (int c in clusters.Cluster) sizes[c] = sizes.GetValueOrDefault(c) + 1;
        var largest = sizes.Where(kv => kv.Value > 1).OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(examples)
            .Select(kv => kv.Key).ToList();
        var borderline = Enumerable.Range(0, n).Where(i => clusters.Reason[i] == DedupReason.Near)
            .OrderBy(i => clusters.Similarity[i]).ThenBy(i => i).Take(examples).ToList();
        var membersOf = largest.ToDictionary(c => c, _ => new List<int>());
        for (int i = 0; i < n; i++)
            if (clusters.Reason[i] != DedupReason.Kept && membersOf.TryGetValue(clusters.Cluster[i], out var m) && m.Count < 3) m.Add(i);
        var snippetDocs = new HashSet<int>(largest.Select(c => keptOf[c]).Concat(membersOf.Values.SelectMany(v => v))
            .Concat(borderline).Concat(borderline.Select(i => clusters.Partner[i])));
        var ids = new Dictionary<int, string>();
        var idNeeded = new bool[n];
        for (int i = 0; i < n; i++)
            if (clusters.Reason[i] != DedupReason.Kept) idNeeded[clusters.Partner[i]] = idNeeded[keptOf[clusters.Cluster[i]]] = true;
        foreach (int i in snippetDocs) idNeeded[i] = true;

        // 2. Stream the corpus beside signatures.bin (which must be the file the clusters came from), writing both outputs.
        var snippets = new Dictionary<int, string>();
        long kept = 0;
        using (var sig = new SignatureFile.Reader(sigPath))
        {
            if (sig.Header.Run != bucketHeader.Input || sig.Count != n)
                throw new InputException($"'{bucketPath}' was not made from the '{sigPath}' beside it: run the buckets stage again");
            for (int i = 0; i < n; i++)
            {
                string id = sig.Next().Id;
                if (idNeeded[i]) ids[i] = id;
            }
        }
        using (var sig = new SignatureFile.Reader(sigPath)) // read again in step with the corpus: ids are never all held
        {
            // readable text: no \u escapes for é or <
            var json = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            AtomicFile.Write(outputPath, keptStream => AtomicFile.Write(removedPath, removedStream =>
            {
                var keptBuffer = new BufferedStream(keptStream, 1 << 20);
                var removedBuffer = new BufferedStream(removedStream, 1 << 16);
                using var keptWriter = new Utf8JsonWriter(keptBuffer, json);
                using var removedWriter = new Utf8JsonWriter(removedBuffer, json);
                int i = 0;
                foreach (var doc in source.Read(cancellationToken))
                {
                    string? recorded = i < n ? sig.Next().Id : null;
                    if (doc.Id != recorded)
                        throw new InputException($"corpus '{source.Name}' is not the one the signatures stage read: document {i + 1:N0} " +
                            $"is '{doc.Id}', the signatures have '{recorded ?? "nothing (fewer documents)"}'; run every stage again");
                    if (snippetDocs.Contains(i)) snippets[i] = Snippet(doc.Text);
                    if (clusters.Reason[i] == DedupReason.Kept)
                    {
                        if (doc.Json is { } record) WriteRecord(keptBuffer, record);
                        else WriteLine(keptWriter, keptBuffer, w =>
                        {
                            w.WriteString("id", doc.Id);
                            w.WriteString("source", doc.Source);
                            w.WriteString("text", doc.Text);
                        });
                        kept++;
                    }
                    else
                    {
                        int c = clusters.Cluster[i];
                        WriteLine(removedWriter, removedBuffer, w =>
                        {
                            w.WriteString("id", doc.Id);
                            w.WriteString("reason", clusters.Reason[i] == DedupReason.Exact ? "exact" : "near");
                            w.WriteNumber("cluster", c);
                            w.WriteString("kept_id", ids[keptOf[c]]);
                            w.WriteString("partner_id", ids[clusters.Partner[i]]);
                            w.WriteNumber("jaccard", Math.Round(clusters.Similarity[i], 4));
                            if (doc.Json is { } record)
                            {
                                w.WritePropertyName("record");
                                w.WriteRawValue(record, skipInputValidation: true); // parsed by the reader already
                            }
                        });
                    }
                    i++;
                    if (i % 4096 == 0) progress?.Report(new DedupProgress(DedupStage.Filter, i, n));
                }
                if (i != n)
                    throw new InputException(
                        $"corpus '{source.Name}' has {i:N0} documents, the signatures {n:N0}: it changed since the " +
                        $"signatures stage; run every stage again");
                keptBuffer.Flush();
                removedBuffer.Flush();
            }));
        }

        DedupExampleMember Member(int i) => new(ids[i], clusters.Reason[i], clusters.Similarity[i], snippets.GetValueOrDefault(i, ""));
        var largestExamples = largest.Select(c => new DedupExample(c, sizes[c], Member(keptOf[c]), membersOf[c].Select(Member).ToList()))
            .ToList();
        var borderExamples = borderline.Select(i => new DedupBorderlinePair(clusters.Cluster[i], sizes[clusters.Cluster[i]], Member(i),
            Member(clusters.Partner[i]), ids[keptOf[clusters.Cluster[i]]])).ToList();
        return new FilterStageResult(kept, clusters.Removed(DedupReason.Exact), clusters.Removed(DedupReason.Near), largestExamples,
            borderExamples,
            clock.Elapsed.TotalSeconds);
    }

    /// <summary>An input record as it was read, one line.</summary>
    static void WriteRecord(Stream buffer, string record)
    {
        buffer.Write(Encoding.UTF8.GetBytes(record));
        buffer.WriteByte((byte)'\n');
    }

    static void WriteLine(Utf8JsonWriter w, Stream buffer, Action<Utf8JsonWriter> body)
    {
        w.WriteStartObject();
        body(w);
        w.WriteEndObject();
        w.Flush();
        buffer.WriteByte((byte)'\n');
        w.Reset(); // the next object starts a new JSON value, with no separator
    }

    /// <summary>The start of a text on one line, for reports.</summary>
    public static string Snippet(string text)
    {
        var sb = new StringBuilder(Math.Min(text.Length, SnippetChars + 1));
        bool space = false;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c)) { space = sb.Length > 0; continue; }
            if (space) { sb.Append(' '); space = false; }
            sb.Append(c);
            if (sb.Length >= SnippetChars) { sb.Append('…'); break; }
        }
        return sb.ToString();
    }
}
