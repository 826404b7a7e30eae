using LlmLab.Data.Dedup;
using LlmLab.Text;

namespace LlmLab.Tests.Data.Dedup;

/// <summary>Synthetic corpora with known duplicates, and a temporary work folder.</summary>
internal sealed class DedupTestData : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("llmlab-dedup-").FullName;

    public string Work => Path.Combine(Dir, "work");
    public string Out => Path.Combine(Dir, "out.jsonl");

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }

    static readonly string[] Vocabulary = Enumerable.Range(0, 2000).Select(i => $"w{i}").ToArray();

    /// <summary>
    /// <paramref name="groups"/> originals of 80 random words, each followed by <paramref name="copies"/> edited copies
    /// (copy c replaces word 79 − c, which changes c + 1 of the 76 five-word shingles: J = 0.97, 0.95, 0.92…), one exact copy with other
    /// case and punctuation, then <paramref name="unique"/> unrelated documents. Deterministic for a seed.
    /// </summary>
    public static DocumentList Corpus(int groups, int copies, int unique, int seed = 1)
    {
        var rng = new Random(seed);
        string[] Words(int n) => Enumerable.Range(0, n).Select(_ => Vocabulary[rng.Next(Vocabulary.Length)]).ToArray();
        var docs = new List<Document>();
        for (int g = 0; g < groups; g++)
        {
            var words = Words(80);
            docs.Add(new Document($"g{g}-orig", string.Join(' ', words), "synthetic"));
            for (int c = 0; c < copies; c++)
            {
                var edited = (string[])words.Clone();
                edited[79 - c] = "edit" + c;
                docs.Add(new Document($"g{g}-copy{c}", string.Join(' ', edited), "synthetic"));
            }
            docs.Add(new Document($"g{g}-exact", string.Join(' ', words).ToUpperInvariant() + "!", "synthetic"));
        }
        for (int u = 0; u < unique; u++) docs.Add(new Document($"u{u}", string.Join(' ', Words(60)), "synthetic"));
        // Interleave deterministically so that duplicates are not neighbours.
        return new DocumentList("synthetic", docs.OrderBy(d => DedupHash.Of(d.Id)).ToList());
    }
}
