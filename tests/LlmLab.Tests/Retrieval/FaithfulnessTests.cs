using LlmLab.Retrieval.Answering;
using LlmLab.Retrieval.Chunking;
using LlmLab.Retrieval.Embeddings;
using LlmLab.Retrieval.Evaluation;
using LlmLab.Retrieval.Search;
using LlmLab.Retrieval.Storage;

namespace LlmLab.Tests.Retrieval;

/// <summary>The faithfulness checker on hand-made answers whose support is known.</summary>
public sealed class FaithfulnessTests
{
    static RetrievedChunk C(int key, string text) =>
        new(new StoredChunk(key, new Chunk($"c{key}", $"s{key}", "t", "", 0, text, 0), new float[384]), 0, 0);

    static readonly RetrievedChunk[] Chunks =
    [
        C(1, "apt-get install downloads a package and its dependencies from the archive. It asks before removing anything."),
        C(2, "The stable release receives security updates. Testing does not receive them promptly."),
    ];

    [Fact]
    public void ClaimsTakeTheCitationsThatFollowThem()
    {
        var claims = FaithfulnessChecker.Claims("First claim here. [1] Second claim [2, 1]. Third claim without any. Fourth [7]", 2);
        Assert.Equal(["First claim here.", "Second claim", "Third claim without any.", "Fourth"], claims.Select(c => c.Sentence));
        Assert.Equal([[1], [2, 1], [], []], claims.Select(c => c.Cited));
        Assert.Empty(FaithfulnessChecker.Claims(GroundedPrompt.Refusal, 2));
    }

    [Fact]
    public async Task LexicalSupportKnownCases()
    {
        var checker = new FaithfulnessChecker();
        // Copied from the cited chunk: supported (recall 1).
        var copied = await checker.CheckAsync("apt-get install downloads a package and its dependencies from the archive. [1]", Chunks);
        Assert.Equal(1.0, copied.Score);
        Assert.Equal(1.0, copied.Sentences[0].TokenRecall);
        // The same true sentence citing the wrong chunk: unsupported.
        Assert.Equal(0.0, (await checker.CheckAsync("apt-get install downloads a package and its dependencies. [2]", Chunks)).Score);
        // Invented content citing a real chunk: unsupported.
        Assert.Equal(0.0, (await checker.CheckAsync("Debian was founded on Mars by penguins in 1850. [1]", Chunks)).Score);
        // One supported, one uncited sentence: half.
        var half = await checker.CheckAsync("The stable release receives security updates [2]. Also it is the fastest.", Chunks);
        Assert.Equal(0.5, half.Score);
        // "no" is kept as a content term, so a negation the chunk lacks costs recall (5 of 6 terms) — but one word of six
        // stays above the threshold: the documented limit of a lexical proxy, which does not detect contradiction.
        var negated = await checker.CheckAsync("The stable release receives no security updates. [2]", Chunks);
        Assert.Equal(5.0 / 6, negated.Sentences[0].TokenRecall, 1e-12);
        Assert.True(negated.Sentences[0].Supported);
        // A refusal has no claims.
        Assert.True(double.IsNaN((await checker.CheckAsync(GroundedPrompt.Refusal, Chunks)).Score));
    }

    [Fact]
    public async Task EmbeddingProxyAcceptsAParaphraseTheWordsMiss()
    {
        using var encoder = OnnxSentenceEncoder.CreateMiniLm(threads: 1);
        var chunks = new[] { C(1, "The weather is lovely today."), C(2, "He drove to the stadium.") };
        const string answer = "It is a beautiful day outside. [1]";
        var lexical = await new FaithfulnessChecker().CheckAsync(answer, chunks);
        Assert.Equal(0.0, lexical.Score);
        var proxy = await new FaithfulnessChecker(encoder) { MinCosine = 0.6 }.CheckAsync(answer, chunks);
        Assert.True(proxy.Sentences[0].Cosine > 0.6, proxy.Sentences[0].ToString());
        Assert.Equal(1.0, proxy.Score);
        // Cited to the unrelated chunk, the proxy does not rescue it.
        var wrong = await new FaithfulnessChecker(encoder) { MinCosine = 0.6 }.CheckAsync("It is a beautiful day outside. [2]", chunks);
        Assert.Equal(0.0, wrong.Score);
    }
}
