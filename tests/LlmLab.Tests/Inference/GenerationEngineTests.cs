using LlmLab.Inference;
using LlmLab.Nn.Gpt;
using LlmLab.Tests.Nn;
using LlmLab.Tokenization;
using static TorchSharp.torch;

namespace LlmLab.Tests.Inference;

public class GenerationEngineTests
{
    // 40 characters ≤ the tiny model's 50 ids.
    static readonly CharTokenizer Chars = CharTokenizer.Build(["abcdefghijklmnopqrstuvwxyz .,!?0123456789:\n"]);

    static GenerationEngine Engine(string variant = "learned", PromptOverflow overflow = PromptOverflow.Error) =>
        new(GptTestModels.BuildIdentical(GptTestModels.Variant(variant)), Chars, overflow);

    /// <summary>The reference: re-run the whole sequence each step and take the argmax of the last position.</summary>
    static List<int> GreedyByFullForward(GptModel model, IReadOnlyList<int> prompt, int count)
    {
        var tokens = prompt.ToList();
        using var noGrad = no_grad();
        for (int i = 0; i < count; i++)
        {
            using var scope = NewDisposeScope();
            var logits = model.forward(tensor(tokens.Select(t => (long)t).ToArray(), [1, tokens.Count]))[0, -1].narrow(0, 0, Chars.VocabSize);
            tokens.Add((int)logits.argmax().item<long>());
        }
        return tokens.Skip(prompt.Count).ToList();
    }

    [Theory]
    [MemberData(nameof(GptTestModels.Variants), MemberType = typeof(GptTestModels))]
    public void Greedy_decoding_with_the_kv_cache_equals_full_re_forward(string variant)
    {
        var engine = Engine(variant);
        int[] prompt = Chars.Encode("hello there");
        var result = engine.Generate(prompt, SamplingParams.Greedy(15));
        Assert.Equal(GreedyByFullForward(engine.Model, prompt, 15), result.Tokens);
        Assert.Equal(FinishReason.Length, result.Finish);
        Assert.Equal(Chars.Decode(result.Tokens.ToArray()), result.Text);
    }

    [Fact]
    public void A_seeded_sample_is_reproducible_and_another_seed_differs()
    {
        var engine = Engine();
        var p = new SamplingParams(Temperature: 1.0, TopP: 0.95, MaxTokens: 20, Seed: 42);
        var a = engine.Generate("abc", p);
        var b = engine.Generate("abc", p);
        var c = engine.Generate("abc", p with { Seed = 43 });
        Assert.Equal(a.Tokens, b.Tokens);
        Assert.NotEqual(a.Tokens, c.Tokens);
    }

    [Theory]
    [InlineData("learned")]
    [InlineData("rope-gqa-swiglu-rmsnorm")]
    public void A_batch_of_prompts_of_different_lengths_decodes_as_each_prompt_alone(string variant)
    {
        var engine = Engine(variant);
        string[] prompts = ["a", "hello world", "the quick brown", "xy"];
        var singles = prompts.Select(p => engine.Generate(p, SamplingParams.Greedy(12)).Tokens).ToArray();
        var sampled = prompts.Select(p => engine.Generate(p, new SamplingParams(MaxTokens: 8, Seed: 5)).Tokens).ToArray();
        var batch = engine.GenerateBatch(prompts.Select(p => ((IReadOnlyList<int>)Chars.Encode(p), SamplingParams.Greedy(12))).ToArray());
        var batchSampled = engine.GenerateBatch(prompts.Select(p => ((IReadOnlyList<int>)Chars.Encode(p), new SamplingParams(MaxTokens: 8, Seed: 5))).ToArray());
        for (int i = 0; i < prompts.Length; i++)
        {
            Assert.Equal(singles[i], batch[i].Tokens);
            Assert.Equal(sampled[i], batchSampled[i].Tokens);
        }
    }

    [Fact]
    public void A_batch_respects_each_request_s_own_max_tokens_and_stops()
    {
        var engine = Engine();
        var alone = engine.Generate("abc", SamplingParams.Greedy(10));
        string stop = alone.Text.Substring(3, 2);
        var batch = engine.GenerateBatch([
            (Chars.Encode("abc"), SamplingParams.Greedy(3)),
            (Chars.Encode("abc"), SamplingParams.Greedy(10) with { Stop = [stop] }),
            (Chars.Encode("zz"), SamplingParams.Greedy(0)),
        ]);
        Assert.Equal(3, batch[0].Tokens.Count);
        Assert.Equal(alone.Text[..alone.Text.IndexOf(stop, StringComparison.Ordinal)], batch[1].Text);
        Assert.Equal(FinishReason.Stop, batch[1].Finish);
        Assert.Empty(batch[2].Tokens);
        Assert.Equal(FinishReason.Length, batch[2].Finish);
    }

    [Fact]
    public void Stop_strings_and_stop_tokens_end_the_generation_and_stay_out_of_the_text()
    {
        var engine = Engine();
        var full = engine.Generate("the ", SamplingParams.Greedy(12));
        string stop = full.Text.Substring(4, 3);
        var cut = engine.Generate("the ", SamplingParams.Greedy(12) with { Stop = [stop] });
        Assert.Equal(full.Text[..full.Text.IndexOf(stop, StringComparison.Ordinal)], cut.Text);
        Assert.Equal(FinishReason.Stop, cut.Finish);

        int stopToken = full.Tokens[5];
        var byToken = engine.Generate("the ", SamplingParams.Greedy(12) with { StopTokens = [stopToken] });
        int at = full.Tokens.ToList().IndexOf(stopToken);
        Assert.Equal(full.Tokens.Take(at + 1), byToken.Tokens);
        Assert.Equal(Chars.Decode(full.Tokens.Take(at).ToArray()), byToken.Text);
    }

    [Fact]
    public void Logprobs_are_those_of_the_unprocessed_distribution()
    {
        var engine = Engine();
        int[] prompt = Chars.Encode("abc");
        var r = engine.Generate(prompt, new SamplingParams(Temperature: 0.7, TopK: 5, MaxTokens: 4, Seed: 1, Logprobs: true, TopLogprobs: 3));
        Assert.NotNull(r.Logprobs);
        var seq = prompt.ToList();
        using var noGrad = no_grad();
        for (int i = 0; i < 4; i++)
        {
            using var scope = NewDisposeScope();
            var logp = engine.Model.forward(tensor(seq.Select(t => (long)t).ToArray(), [1, seq.Count]))[0, -1].narrow(0, 0, Chars.VocabSize).to(ScalarType.Float64).log_softmax(0);
            Assert.Equal(logp[r.Tokens[i]].item<double>(), r.Logprobs![i].Logprob, 5);
            Assert.Equal(3, r.Logprobs[i].Top.Count);
            Assert.Equal((int)logp.argmax().item<long>(), r.Logprobs[i].Top[0].Token);
            seq.Add(r.Tokens[i]);
        }
    }

    [Fact]
    public void A_prompt_longer_than_the_context_is_refused_or_truncated_by_policy()
    {
        string longPrompt = new('a', 40); // context 32
        var e = Assert.Throws<InputException>(() => Engine().Generate(longPrompt, SamplingParams.Greedy(4)));
        Assert.Contains("n_positions", e.Message);
        var r = Engine(overflow: PromptOverflow.TruncateLeft).Generate(longPrompt, SamplingParams.Greedy(4));
        Assert.Equal(28, r.PromptTokens);
        Assert.Equal(4, r.Tokens.Count);
        Assert.Throws<InputException>(() => Engine().Generate("", SamplingParams.Greedy(4)));
    }

    [Fact]
    public void Generation_ends_with_length_when_the_context_is_full()
    {
        var r = Engine().Generate(new string('a', 30), SamplingParams.Greedy(100));
        Assert.Equal(2, r.Tokens.Count);
        Assert.Equal(FinishReason.Length, r.Finish);
    }

    [Fact]
    public async Task Streaming_yields_the_same_text_as_a_whole_generation_and_cancellation_stops_it()
    {
        var engine = Engine();
        var p = new SamplingParams(MaxTokens: 12, Seed: 3, Stop: ["zz"]);
        var whole = engine.Generate("abc", p);
        var chunks = new List<GenerationChunk>();
        await foreach (var c in engine.StreamAsync("abc", p)) chunks.Add(c);
        Assert.Equal(whole.Text, string.Concat(chunks.Select(c => c.Text)));
        Assert.Equal(whole.Finish, chunks[^1].Finish);

        using var cts = new CancellationTokenSource();
        int seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var c in engine.StreamAsync("abc", SamplingParams.Greedy(1000), cts.Token))
                if (++seen == 2) await cts.CancelAsync();
        });
        Assert.Equal(2, seen);
        Assert.Equal(3, engine.Generate("abc", SamplingParams.Greedy(3)).Tokens.Count); // the engine is free again
    }

    [Fact]
    public void A_tokenizer_larger_than_the_model_is_refused()
    {
        var big = CharTokenizer.Build([string.Concat(Enumerable.Range(0, 60).Select(i => (char)('A' + i)))]);
        var e = Assert.Throws<InputException>(() => new GenerationEngine(GptTestModels.Build(GptTestModels.Tiny), big));
        Assert.Contains("vocab_size", e.Message);
    }
}
