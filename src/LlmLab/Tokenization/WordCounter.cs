using System.Runtime.InteropServices;

namespace LlmLab.Tokenization;

/// <summary>
/// Step 1 of BPE training: cut every text into pieces (the split pattern's <see cref="PreTokenizer"/>, between special
/// tokens) and count each
/// distinct piece once, so merging then works on a few hundred thousand distinct words with their frequencies instead
/// of on the whole corpus. Runs batches of about <see cref="BatchChars"/> characters on all cores, each into its own
/// dictionary, summed at the end: the counts do not depend on the thread schedule.
/// </summary>
internal static class WordCounter
{
    const int BatchChars = 1 << 20;

    public static Dictionary<string, long> Count(IEnumerable<string> texts, PreTokenizer pre, SpecialTokenMatcher specials,
        IProgress<BpeTrainingProgress>? progress, out long documents)
    {
        var total = new Dictionary<string, long>(StringComparer.Ordinal);
        var gate = new object();
        long docs = 0;
        Parallel.ForEach(Batches(texts), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            () => new Dictionary<string, long>(StringComparer.Ordinal),
            (batch, _, local) =>
            {
                var lookup = local.GetAlternateLookup<ReadOnlySpan<char>>();
                foreach (string text in batch) CountText(text, pre, specials, lookup);
                long done = Interlocked.Add(ref docs, batch.Count);
                progress?.Report(new BpeTrainingProgress("counting", done, 0));
                return local;
            },
            local =>
            {
                lock (gate)
                    foreach (var (word, count) in local) CollectionsMarshal.GetValueRefOrAddDefault(total, word, out _) += count;
            });
        documents = docs;
        return total;
    }

    static void CountText(ReadOnlySpan<char> text, PreTokenizer pre, SpecialTokenMatcher specials,
        Dictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> counts)
    {
        while (specials.TryFind(text, out int at, out int length, out _))
        {
            CountSegment(text[..at], pre, counts);
            text = text[(at + length)..];
        }
        CountSegment(text, pre, counts);
    }

    static void CountSegment(ReadOnlySpan<char> segment, PreTokenizer pre,
        Dictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> counts)
    {
        foreach (var piece in pre.Split(segment))
            CollectionsMarshal.GetValueRefOrAddDefault(counts, piece, out _)++;
    }

    static IEnumerable<List<string>> Batches(IEnumerable<string> texts)
    {
        var batch = new List<string>();
        long chars = 0;
        foreach (string text in texts)
        {
            batch.Add(text);
            chars += text.Length;
            if (chars >= BatchChars) { yield return batch; batch = []; chars = 0; }
        }
        if (batch.Count > 0) yield return batch;
    }
}
