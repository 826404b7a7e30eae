using LlmLab.Retrieval.Chunking;
using LlmLab.Retrieval.Documents;

namespace LlmLab.Tests.Retrieval;

public class ChunkerTests
{
    static readonly Chunker Words = new(new ChunkerOptions(MaxTokens: 20, OverlapTokens: 5), _ => 1); // one token a word

    static string Para(string tag, int n) => string.Join(' ', Enumerable.Range(0, n).Select(i => $"{tag}{i}"));

    [Fact]
    public void MarkdownSectionsAreNotCrossedAndParagraphBreaksArePreferred()
    {
        var md = $"# Intro\n\n{Para("a", 8)}\n\n{Para("b", 8)}\n\n## Details\n\n{Para("c", 5)}";
        var chunks = Words.Split(new SourceDocument("doc.md", "Doc", md, DocumentFormat.Markdown));
        Assert.Equal(["Intro", "Details"], chunks.Select(c => c.Section).Distinct());
        Assert.Equal(2, chunks.Count); // "# Intro" + 16 words fits 20; Details is its own chunk
        Assert.StartsWith("# Intro", chunks[0].Text);
        Assert.Contains("a7\n\nb0", chunks[0].Text);
        Assert.Equal([0, 1], chunks.Select(c => c.Position));
        Assert.All(chunks, c => Assert.True(c.TokenCount <= 20));
    }

    [Fact]
    public void LongParagraphIsWindowedWithOverlap()
    {
        var chunks = Words.Split(new SourceDocument("d", "d", Para("w", 50)));
        Assert.True(chunks.Count >= 3);
        for (int i = 1; i < chunks.Count; i++)
        {
            var prev = chunks[i - 1].Text.Split(' ');
            var cur = chunks[i].Text.Split(' ');
            Assert.Equal(prev[^5..], cur[..5]); // 5 overlap tokens
        }
        Assert.EndsWith("w49", chunks[^1].Text);
        Assert.All(chunks, c => Assert.True(c.TokenCount <= 20));
    }

    [Fact]
    public void IdsAreStableAndOnlyEditedChunksChange()
    {
        string v1 = $"{Para("a", 15)}\n\n{Para("b", 15)}\n\n{Para("c", 15)}";
        string v2 = v1.Replace("b7", "EDITED");
        var first = Words.Split(new SourceDocument("s", "t", v1)).Select(c => c.Id).ToList();
        var again = Words.Split(new SourceDocument("s", "t", v1)).Select(c => c.Id).ToList();
        var edited = Words.Split(new SourceDocument("s", "t", v2)).Select(c => c.Id).ToList();
        Assert.Equal(first, again);
        Assert.Equal(3, first.Count);
        Assert.Equal(2, first.Intersect(edited).Count()); // only the "b" paragraph's chunk changed
        Assert.Equal(3, first.Distinct().Count());
        var otherSource = Words.Split(new SourceDocument("other", "t", v1)).Select(c => c.Id);
        Assert.Empty(first.Intersect(otherSource));
    }

    [Fact]
    public void RepeatedTextInOneDocumentGetsDistinctIds()
    {
        string p = Para("x", 15);
        var chunks = Words.Split(new SourceDocument("s", "t", $"{p}\n\n{p}"));
        Assert.Equal(2, chunks.Count);
        Assert.NotEqual(chunks[0].Id, chunks[1].Id);
    }

    [Fact]
    public void MiniLmWordPieceCountsMatchTheTokenizer()
    {
        var counter = WordPieceCounter.CreateMiniLm();
        Assert.Equal(1, counter.Count("house"));
        Assert.True(counter.Count("unforgettableness") > 1);
        // Per-word counts add up to the whole text's count (BERT pre-tokenizes on whitespace).
        using var vocab = LlmLab.Retrieval.Embeddings.MiniLmModel.OpenVocabulary();
        var bert = Microsoft.ML.Tokenizers.BertTokenizer.Create(vocab);
        const string text = "Debian's apt-get resolves dependencies, e.g. libc6 (>= 2.36) automatically!";
        Assert.Equal(bert.EncodeToIds(text, false, true, true).Count, text.Split(' ').Sum(counter.Count));
        var chunks = new Chunker(new ChunkerOptions(30, 4)).Split(new SourceDocument("s", "t", Para("token", 60)));
        Assert.All(chunks, c => Assert.True(c.TokenCount <= 30, $"{c.TokenCount}"));
    }

    [Fact]
    public void LoaderReadsEveryFormatAndSkipsBadInput()
    {
        var dir = Directory.CreateTempSubdirectory("llmlab-docs").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "a.txt"), "plain text");
            File.WriteAllText(Path.Combine(dir, "b.md"), "# Title B\n\nbody");
            File.WriteAllText(Path.Combine(dir, "c.html"),
                "<html><head><title>Page C</title><style>x{}</style></head><body><h2>Sec &amp; " +
                    "more</h2><p>One</p><p>Two</p></body></html>");
            File.WriteAllText(Path.Combine(dir, "d.jsonl"),
                "{\"id\":\"q1\",\"text\":\"first\",\"title\":\"T1\"}\nnot json\n{\"id\":7,\"text\":\"second\"}\n{\"id\":\"x\"}\n");
            File.WriteAllBytes(Path.Combine(dir, "e.txt"), [0x41, 0x00, 0x42]);
            var loader = new DocumentLoader();
            var docs = loader.Load([dir]).ToList();
            Assert.Equal(["a", "Title B", "Page C", "T1", "7"], docs.Select(d => d.Title));
            Assert.Equal("## Sec & more\n\nOne\n\nTwo", docs[2].Text);
            Assert.Equal(DocumentFormat.Markdown, docs[2].Format);
            Assert.Equal(["q1", "7"], docs.Where(d => d.SourceId.Length < 3).Select(d => d.SourceId));
            Assert.Equal(3, loader.Skipped.Count); // the bad JSON line, the record without text, the binary file
            Assert.Contains(loader.Skipped, s => s.Contains("d.jsonl:2"));
            Assert.Throws<LlmLab.InputException>(() => loader.Load([Path.Combine(dir, "missing")]).ToList());
        }
        finally { Directory.Delete(dir, true); }
    }
}
