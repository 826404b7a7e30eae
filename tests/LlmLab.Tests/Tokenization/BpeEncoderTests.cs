using System.Text;
using LlmLab.Tokenization;

namespace LlmLab.Tests.Tokenization;

public class BpeEncoderTests
{
    [Fact]
    public void Short_and_long_pieces_merge_as_tiktokens_rule_says()
    {
        // Pattern none: the whole text is one piece, so lengths above 128 bytes take the heap path.
        var trained = BpeTokenizer.Train(BpeTrainerTests.SampleTexts(), new BpeTrainingOptions(420, SplitPatterns.None));
        var rng = new Random(3);
        string alphabet = "the quick brown fox; Returns 0 when é😀\n";
        foreach (int length in (int[])[1, 2, 5, 40, 127, 128, 129, 300, 2000])
        {
            string text = new(Enumerable.Range(0, length).Select(_ => alphabet[rng.Next(alphabet.Length)]).ToArray());
            text = text.Replace("😀", "").Replace("\uD83D", "").Replace("\uDE00", ""); // keep it well-formed
            Assert.Equal(ReferenceMerge(trained, Encoding.UTF8.GetBytes(text)), trained.Encode(text));
        }
    }

    [Fact]
    public void A_cached_piece_gives_the_same_ids_the_second_time()
    {
        var gpt2 = PretrainedTokenizers.Gpt2();
        string text = "Tokenizationally speaking, tokenizationally.";
        // tiktoken 1.0.22, get_encoding("gpt2").encode(text): the second "izationally" piece is served from the cache.
        int[] tiktoken = [30642, 1634, 453, 5486, 11, 11241, 1634, 453, 13];
        Assert.Equal(tiktoken, gpt2.Encode(text));
        Assert.Equal(tiktoken, gpt2.Encode(text));
    }

    [Fact]
    public void Unknown_ids_are_errors_naming_the_id()
    {
        var gpt2 = PretrainedTokenizers.Gpt2();
        Assert.Equal("token id 50257 is not in the vocabulary of gpt2 (ids 0–50256)",
            Assert.Throws<InputException>(() => gpt2.Decode([1, 50257])).Message);
        Assert.Contains("this one unused", Assert.Throws<InputException>(() => PretrainedTokenizers.Cl100kBase().Decode([100256])).Message);
    }

    // tiktoken's _byte_pair_merge written plainly: look ranks up by the bytes of the concatenation.
    static int[] ReferenceMerge(BpeTokenizer t, byte[] bytes)
    {
        var rank = new Dictionary<string, int>();
        for (int id = 0; id < t.VocabSize; id++)
            if (t.HasToken(id)) rank[Convert.ToHexString(t.TokenBytes(id))] = id;
        var parts = bytes.Select(b => new[] { b }).ToList();
        while (parts.Count > 1)
        {
            int best = int.MaxValue, at = -1;
            for (int i = 0; i + 1 < parts.Count; i++)
                if (rank.TryGetValue(Convert.ToHexString([.. parts[i], .. parts[i + 1]]), out int r) && r < best) (best, at) = (r, i);
            if (at < 0) break;
            parts[at] = [.. parts[at], .. parts[at + 1]];
            parts.RemoveAt(at + 1);
        }
        return parts.Select(p => rank[Convert.ToHexString(p)]).ToArray();
    }
}
