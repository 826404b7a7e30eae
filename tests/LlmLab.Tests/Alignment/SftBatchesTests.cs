using LlmLab.Alignment;
using LlmLab.Inference;
using LlmLab.Nn.Gpt;
using LlmLab.Tests.Nn;
using LlmLab.Training;
using static TorchSharp.torch;

namespace LlmLab.Tests.Alignment;

public class SftBatchesTests
{
    /// <summary>A chat of <paramref name="prompt"/> prompt ids then <paramref name="reply"/> assistant ids, ids from <paramref name="start"/>.</summary>
    static ChatEncoding Chat(int prompt, int reply, int start = 1) =>
        new(Enumerable.Range(0, prompt + reply).Select(i => (start + i * 7) % 49 + 1).ToArray(),
            Enumerable.Range(0, prompt + reply).Select(i => i >= prompt).ToArray());

    [Fact]
    public void Targets_are_the_next_id_where_it_is_the_assistant_s_and_minus_one_elsewhere()
    {
        var examples = new[] { Chat(5, 3), Chat(4, 6, start: 9) };
        using var scope = NewDisposeScope();
        var b = new SftBatches(examples, batch: 2, context: 12, SftBatchLayout.Pad, seed: 1).Next();
        long[] x = b.X.data<long>().ToArray(), y = b.Y.data<long>().ToArray();
        for (int row = 0; row < 2; row++)
        {
            var e = examples.Single(e => e.Ids[0] == x[row * 12]);
            for (int t = 0; t < 12; t++)
            {
                long want = t < e.Ids.Length - 1 && e.Assistant[t + 1] ? e.Ids[t + 1] : -1;
                Assert.Equal(want, y[row * 12 + t]);
            }
        }
        var full = new SftBatches(examples, 2, 12, SftBatchLayout.Pad, 1, assistantOnly: false).Next();
        Assert.Equal(examples.Sum(e => e.Ids.Length - 1), full.Y.ge(0).sum().item<long>());
    }

    [Fact]
    public void Prompt_targets_get_exactly_zero_gradient_and_would_not_if_they_were_in_the_loss()
    {
        using var model = GptTestModels.Build(GptTestModels.Tiny);
        var examples = new[] { Chat(6, 4), Chat(3, 5, start: 4) };
        using var scope = NewDisposeScope();
        // Which positions hold a prompt target and which an assistant one (the layout is the same for both batches:
        // the targets test above checks them against the examples).
        var assistantY = new SftBatches(examples, 2, 12, SftBatchLayout.Pack, 1, assistantOnly: true).Next().Y;
        var fullY = new SftBatches(examples, 2, 12, SftBatchLayout.Pack, 1, assistantOnly: false).Next().Y;
        var promptAt = fullY.ge(0) & assistantY.lt(0);
        var assistantAt = assistantY.ge(0);
        Assert.True(promptAt.any().item<bool>() && assistantAt.any().item<bool>());
        foreach (bool assistantOnly in new[] { true, false })
        {
            var b = new SftBatches(examples, 2, 12, SftBatchLayout.Pack, 1, assistantOnly).Next();
            var leaf = model.Forward(b.X, null, b.Positions, b.Mask).detach().requires_grad_(true);   // (B, T, V)
            SftLoss.Of(leaf, b.Y).backward();
            var rowNorm = leaf.grad!.abs().sum(-1);                                                  // (B, T)
            if (assistantOnly) Assert.Equal(0.0f, rowNorm.masked_select(promptAt).abs().max().item<float>());
            else Assert.True(rowNorm.masked_select(promptAt).min().item<float>() > 0);            // the test can fail
            Assert.True(rowNorm.masked_select(assistantAt).min().item<float>() > 0);
        }
    }

    [Theory]
    [InlineData("learned")]
    [InlineData("rope")]
    public void Packed_examples_never_see_each_other(string variant)
    {
        using var model = GptTestModels.Build(GptTestModels.Variant(variant));
        var a = Chat(4, 3, start: 2);
        var b1 = Chat(5, 4, start: 11);
        var b2 = Chat(5, 4, start: 30);                   // same length, other ids
        using var scope = NewDisposeScope();
        Tensor Logits(params ChatEncoding[] xs)
        {
            // one row holds everything; a fixed order: the order of one epoch is seeded, so find a's place from x
            var batch = new SftBatches(xs, 1, 20, xs.Length > 1 ? SftBatchLayout.Pack : SftBatchLayout.Pad, seed: 5).Next();
            var logits = model.Forward(batch.X, null, batch.Positions, batch.Mask);
            long[] x = batch.X.data<long>().ToArray();
            int at = Enumerable.Range(0, x.Length - a.Ids.Length + 2).First(i => Enumerable.Range(0, a.Ids.Length - 1).All(j => x[i + j] == a.Ids[j]));
            return logits[0].narrow(0, at, a.Ids.Length - 1);                                       // a's positions (n − 1, V)
        }
        var withB1 = Logits(a, b1);
        var withB2 = Logits(a, b2);
        var alone = Logits(a);
        Assert.True(withB1.sub(withB2).abs().max().item<float>() == 0, "a's logits changed when its row-mate changed");
        Assert.True(withB1.sub(alone).abs().max().item<float>() < 1e-5, "a packed differs from a alone");
    }

    [Fact]
    public void A_resumed_provider_continues_with_the_same_batches()
    {
        var examples = Enumerable.Range(0, 7).Select(i => Chat(2 + i % 3, 2 + i % 2, start: i)).ToArray();
        var straight = new SftBatches(examples, 2, 16, SftBatchLayout.Pack, 3);
        var first = new SftBatches(examples, 2, 16, SftBatchLayout.Pack, 3);
        using var scope = NewDisposeScope();
        for (int i = 0; i < 5; i++) { straight.Next(); first.Next(); }
        var resumed = new SftBatches(examples, 2, 16, SftBatchLayout.Pack, 3);
        resumed.RestoreState(first.SaveState());
        for (int i = 0; i < 5; i++) Assert.Equal(straight.Next().X.data<long>().ToArray(), resumed.Next().X.data<long>().ToArray());
        var other = new SftBatches(examples, 2, 16, SftBatchLayout.Pad, 3);
        Assert.Throws<InputException>(() => other.RestoreState(first.SaveState()));
    }

    [Fact]
    public void An_example_longer_than_the_context_is_refused_naming_it()
    {
        var e = Assert.Throws<InputException>(() => new SftBatches([Chat(3, 3), Chat(20, 5)], 1, 16, SftBatchLayout.Pad, 1));
        Assert.Contains("example 1 has 25 tokens", e.Message);
    }

    [Fact]
    public void The_trainer_fine_tunes_on_packed_batches_and_the_loss_falls()
    {
        using var model = GptTestModels.Build(GptTestModels.Tiny);
        var examples = Enumerable.Range(0, 6).Select(i => Chat(3, 3, start: i)).ToArray();
        var options = new TrainerOptions(Steps: 30, Batch: 2, Context: 16, LearningRate: 1e-2, LogEvery: 1000, EvalEvery: 1000);
        var result = new Trainer(model, SftLoss.For(model), options).Run(new SftBatches(examples, 2, 16, SftBatchLayout.Pack, 1));
        Assert.True(result.Steps[^1].Loss < result.Steps[0].Loss * 0.5, $"{result.Steps[0].Loss} → {result.Steps[^1].Loss}");
    }
}
