using LlmLab.Data.Mixture;
using LlmLab.Tokenization;

namespace LlmLab.Data.Shards;

/// <summary>
/// Builds a shard directory from a mixture of sources: tokenises each source (documents followed by a separator, each
/// document to train or validation by a hash of its id), sets the target proportions (explicit weights, or temperature
/// sampling over the sources' sizes), cuts each source's tokens into chunks, shuffles them with the seed, blends them
/// chunk by chunk with <see cref="MixtureBlender"/>, and writes the binary shards (<see cref="ShardFormat"/>) and
/// <c>index.json</c> (<see cref="ShardManifest"/>).
/// </summary>
/// <remarks>
/// Everything is written in a temporary sibling directory that is renamed to the output at the very end; on any error it
/// is deleted, so no half-written shard directory is ever left. Memory stays small: tokens stream through scratch files,
/// and only one chunk order per source is held. Deterministic: the same sources, tokenizer, options and seed give
/// byte-identical files. Not thread-safe (one build at a time per output).
/// </remarks>
public static class ShardBuilder
{
    /// <summary>The special token used as the document separator when the tokenizer has it (GPT-2's end of text).</summary>
    public const string EndOfText = "<|endoftext|>";

    /// <summary>Builds the shards of <paramref name="sources"/> into <paramref name="outDir"/> and returns its manifest.</summary>
    /// <param name="sources">The sources: all with a weight, or none (then <see cref="ShardBuildOptions.Temperature"/> applies).</param>
    /// <param name="tokenizer">Encodes the documents.</param>
    /// <param name="identity">The tokenizer's identity, recorded in the manifest (<see cref="TokenizerIdentity.Open"/>).</param>
    /// <param name="outDir">The directory to create; it must not exist or be empty.</param>
    /// <param name="options">Shard size, validation fraction, seed, temperature, chunk size, training size.</param>
    /// <param name="log">Receives one line per stage (sources read, shards written); may be null.</param>
    /// <exception cref="InputException">Bad sources or options, an empty source, a non-empty output directory; the
    /// message names the source, option or directory.</exception>
    public static ShardManifest Build(IReadOnlyList<MixtureSource> sources, ITokenizer tokenizer, TokenizerIdentity identity,
        string outDir, ShardBuildOptions options, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        CheckSources(sources, options);
        if (identity.VocabSize != tokenizer.VocabSize)
            throw new ArgumentException($"identity says vocabulary {identity.VocabSize}, the tokenizer has {tokenizer.VocabSize}",
                nameof(identity));
        string target = Path.GetFullPath(outDir);
        if (File.Exists(target)) throw new InputException($"--out '{outDir}' is a file; give a directory path");
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            throw new InputException($"--out '{outDir}' exists and is not empty; remove it or give another directory");
        string parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        string temp = Path.Combine(parent, $".{Path.GetFileName(target)}.{Environment.ProcessId}.{Guid.NewGuid().ToString("N")[..8]}.tmp");
        Directory.CreateDirectory(temp);
        try
        {
            var manifest = BuildIn(temp, sources, tokenizer, identity, options, log);
            if (Directory.Exists(target)) Directory.Delete(target); // empty (checked above)
            Directory.Move(temp, target);
            return manifest;
        }
        catch
        {
            try { Directory.Delete(temp, recursive: true); } catch (IOException) { }
            throw;
        }
    }

    static ShardManifest BuildIn(string dir, IReadOnlyList<MixtureSource> sources, ITokenizer tokenizer, TokenizerIdentity identity,
        ShardBuildOptions o, Action<string>? log)
    {
        int[] separator = Separator(tokenizer);
        string scratch = Directory.CreateDirectory(Path.Combine(dir, "scratch")).FullName;
        var train = new List<SourceTokenFile>();
        var val = new List<SourceTokenFile>();
        var docs = new List<(long All, long Val)>();
        try
        {
            // 1. Tokenise every source, train and validation documents apart.
            for (int k = 0; k < sources.Count; k++)
            {
                var s = sources[k];
                var (t, v, n, nv) = SourceTokenFile.Encode(s.Documents.Read(), tokenizer, separator, o.ValFraction,
                    Path.Combine(scratch, $"{k}.train.tok"), Path.Combine(scratch, $"{k}.val.tok"));
                train.Add(t);
                val.Add(v);
                docs.Add((n, nv));
                if (n == 0)
                    throw new InputException($"source '{s.Name}' ({s.Origin}) has no documents; give a file or directory with some text");
                if (t.Tokens == 0)
                    throw new InputException(
                        $"source '{s.Name}' ({s.Origin}) has no training documents: all {n:N0} fell in the validation split; give more " +
                        $"documents or a smaller --val-fraction");
                log?.Invoke($"source {s.Name}: {n:N0} documents, {t.Tokens:N0} train + {v.Tokens:N0} validation tokens");
            }

            // 2. Target proportions: the weights given, or temperature sampling over the training sizes.
            string[] names = sources.Select(s => s.Name).ToArray();
            bool weighted = sources[0].Weight is not null;
            double[] target = weighted
                ? MixtureWeights.Normalise(sources.Select(s => s.Weight!.Value).ToList(), names)
                : MixtureWeights.Temperature(train.Select(t => t.Tokens).ToList(), o.Temperature ?? 1);

            // 3. Blend: training to the requested size (sources repeated as needed); validation as large as it can be
            //    without repeating any source: min over sources of available / share.
            long trainTotal = o.TrainTokens ?? train.Sum(t => t.Tokens);
            long valTotal = 0;
            if (o.ValFraction > 0)
            {
                for (int k = 0; k < sources.Count; k++)
                    if (target[k] > 0 && val[k].Tokens == 0)
                        throw new InputException(
                            $"source '{names[k]}' ({sources[k].Origin}) has no validation documents at --val-fraction {o.ValFraction}; " +
                            $"raise it, give more documents, or use --val-fraction 0");
                valTotal = (long)Math.Floor(Enumerable.Range(0, sources.Count).Where(k => target[k] > 0)
                    .Min(k => val[k].Tokens / target[k]));
            }
            int width = ShardFormat.WidthFor(tokenizer.VocabSize);
            var trainSplit = Blend(dir, "train", train, names, target, trainTotal, width, tokenizer.VocabSize, o);
            var valSplit = valTotal > 0 ? Blend(dir, "val", val, names, target, valTotal, width, tokenizer.VocabSize, o) : ShardSplit.Empty;
            log?.Invoke(
                $"wrote {trainSplit.Shards.Count} train shard(s), {trainSplit.Tokens:N0} tokens; {valSplit.Shards.Count} val " +
                $"shard(s), {valSplit.Tokens:N0} tokens");

            // 4. The manifest, with each source's accounting.
            var entries = new List<ShardSourceEntry>();
            for (int k = 0; k < sources.Count; k++)
            {
                long tk = trainSplit.Shards.Sum(s => s.SourceTokens[k]), vk = valSplit.Shards.Sum(s => s.SourceTokens[k]);
                entries.Add(new ShardSourceEntry(names[k], sources[k].Origin, sources[k].Weight, target[k], docs[k].All, docs[k].Val,
                    train[k].Tokens, val[k].Tokens, tk, vk, (double)tk / trainSplit.Tokens,
                    valSplit.Tokens == 0 ? 0 : (double)vk / valSplit.Tokens, (double)tk / train[k].Tokens));
            }
            var manifest = new ShardManifest(ShardManifest.FormatName, ShardManifest.CurrentVersion, identity, ShardFormat.DtypeName(width),
                separator,
                o.Seed, o.ChunkTokens, o.ShardTokens, o.ValFraction, weighted ? null : o.Temperature ?? 1, entries, trainSplit, valSplit);
            manifest.Save(dir);
            return manifest;
        }
        finally
        {
            foreach (var f in train.Concat(val)) f.Dispose();
            Directory.Delete(scratch, recursive: true);
        }
    }

    static ShardSplit Blend(string dir, string split, List<SourceTokenFile> files, string[] names, double[] target, long total,
        int width, int vocab, ShardBuildOptions o)
    {
        var cursors = files.Select((f, k) => new ChunkCursor(f, o.ChunkTokens, o.Seed, split, names[k])).ToArray();
        var blender = new MixtureBlender(target);
        using var writer = new ShardWriter(dir, split, width, vocab, o.ShardTokens, files.Count);
        while (blender.Total < total)
        {
            int k = blender.Choose();
            var chunk = cursors[k].Next();
            chunk = chunk[..(int)Math.Min(chunk.Length, total - blender.Total)]; // the last chunk is cut to land on the total
            writer.Append(chunk, k);
            blender.Add(k, chunk.Length);
        }
        return writer.Finish();
    }

    /// <summary>The ids put after every document: the end-of-text token when the tokenizer has one, else a newline.</summary>
    public static int[] Separator(ITokenizer tokenizer) =>
        tokenizer is BpeTokenizer bpe && bpe.SpecialTokens.TryGetValue(EndOfText, out int eot) ? [eot] : tokenizer.Encode("\n");

    static void CheckSources(IReadOnlyList<MixtureSource> sources, ShardBuildOptions o)
    {
        if (sources.Count == 0) throw new InputException("a mixture needs at least one source; give --source NAME=PATH[:WEIGHT]");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in sources)
        {
            MixtureSource.CheckName(s.Name, $"source '{s.Name}'");
            if (!seen.Add(s.Name)) throw new InputException($"source name '{s.Name}' is given twice; give each source its own name");
        }
        var weighted = sources.Where(s => s.Weight is not null).Select(s => s.Name).ToList();
        if (weighted.Count > 0 && weighted.Count < sources.Count)
            throw new InputException(
                $"only some sources have a weight ({string.Join(", ", weighted)}); give every source a weight (NAME=PATH:WEIGHT) " +
                $"or none (temperature sampling)");
        if (weighted.Count > 0 && o.Temperature is not null)
            throw new InputException("--temperature applies when the sources have no weights; drop it or drop the weights");
        if (weighted.Count > 0)
            MixtureWeights.Normalise(sources.Select(s => s.Weight!.Value).ToList(), sources.Select(s => s.Name).ToList());
    }
}
