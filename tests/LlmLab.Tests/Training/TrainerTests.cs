using LlmLab.Nn.Recurrent;
using LlmLab.Runtime;
using LlmLab.Training;
using static TorchSharp.torch;

namespace LlmLab.Tests.Training;

public sealed class TrainerTests
{
    public TrainerTests() => TorchRuntime.EnsureLoaded(1);

    /// <summary>"abcab…" repeated: a period-5 text that a small LSTM learns in tens of steps.</summary>
    static readonly int[] Repetitive = Enumerable.Range(0, 400).Select(i => "abcdeabcde"[i % 10] - 'a').ToArray();

    static readonly TrainerOptions Tiny = new(Steps: 60, Batch: 8, Context: 12, LearningRate: 1e-2, EvalEvery: 20, EvalBatches: 2, LogEvery: 20);

    static (TrainingResult Result, List<string> Log) Train(RecurrentLanguageModel model, TrainerOptions options, int batchSeed = 1)
    {
        using var eval = EvalSet.FromTokens(Repetitive, options.Context, options.Batch, options.EvalBatches);
        var log = new List<string>();
        var r = new Trainer(model, LanguageModelLoss.For(model), options).Run(new TokenWindowBatches(Repetitive, options.Batch, options.Context, batchSeed), eval, log: log.Add);
        return (r, log);
    }

    [Fact]
    public void Loss_falls_on_a_repetitive_text()
    {
        using var model = new RecurrentLanguageModel(new RecurrentLmConfig(RecurrentKind.Lstm, 5, 8, 24));
        var (r, log) = Train(model, Tiny);
        Assert.Equal(60, r.StepsDone);
        Assert.Equal([0, 20, 40, 60], r.Evals.Select(e => e.Step).ToArray());
        Assert.InRange(r.Initial!.Loss, Math.Log(5) - 0.2, Math.Log(5) + 0.2);
        Assert.True(r.Final!.Loss < 0.3, $"validation loss {r.Final.Loss} after 60 steps on a period-5 text");
        Assert.True(r.Steps[^1].Loss < r.Steps[0].Loss / 4);
        Assert.Equal(60L * 8 * 12, r.Tokens);
        Assert.Equal(4, log.Count); // steps 1, 20, 40, 60
        Assert.Matches(@"^step 20 \| loss \d+\.\d{4} \| lr 1\.0e-02 \| [\d.]+k? tok/s \| [\d.]+ ms$", log[1]);
    }

    [Fact]
    public void Same_weights_and_seed_give_the_same_loss_sequence()
    {
        using var a = new RecurrentLanguageModel(new RecurrentLmConfig(RecurrentKind.Gru, 5, 6, 10));
        using var b = new RecurrentLanguageModel(new RecurrentLmConfig(RecurrentKind.Gru, 5, 6, 10));
        using (no_grad())
            foreach (var (name, p) in b.named_parameters()) p.copy_(a.get_parameter(name)!);
        var options = Tiny with { Steps = 15 };
        var ra = Train(a, options).Result.Steps.Select(s => s.Loss).ToArray();
        var rb = Train(b, options).Result.Steps.Select(s => s.Loss).ToArray();
        Assert.Equal(ra, rb);
    }

    [Fact]
    public void A_NaN_loss_stops_training_and_names_the_step()
    {
        using var model = new RecurrentLanguageModel(new RecurrentLmConfig(RecurrentKind.Rnn, 5, 4, 4));
        int calls = 0;
        var inner = LanguageModelLoss.For(model);
        Func<Tensor, Tensor, Tensor> loss = (x, y) => ++calls == 4 ? inner(x, y) * double.NaN : inner(x, y); // the 4th training step
        var trainer = new Trainer(model, loss, Tiny with { Steps = 10 });
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Run(new TokenWindowBatches(Repetitive, 8, 12, 0)));
        Assert.Equal(4, e.Step);
        Assert.Contains("step 4", e.Message);
        Assert.Contains("NaN", e.Message);
        Assert.Contains("lower the learning rate", e.Message);
    }

    [Fact]
    public void A_time_budget_stops_the_run_early()
    {
        using var model = new RecurrentLanguageModel(new RecurrentLmConfig(RecurrentKind.Rnn, 5, 4, 8));
        var (r, _) = Train(model, Tiny with { Steps = 1_000_000, TimeBudgetSeconds = 0.2, EvalEvery = 1_000_000 });
        Assert.True(r.StoppedByTimeBudget);
        Assert.InRange(r.Seconds, 0.2, 5);
        Assert.Equal(r.StepsDone, r.Final!.Step); // a last evaluation after the final step
    }

    [Fact]
    public void The_step_floor_outlasts_the_time_budget()
    {
        using var model = new RecurrentLanguageModel(new RecurrentLmConfig(RecurrentKind.Rnn, 5, 4, 8));
        var (r, _) = Train(model, Tiny with { Steps = 100, TimeBudgetSeconds = 1e-6, MinSteps = 7, EvalEvery = 1000 });
        Assert.Equal(7, r.StepsDone); // the budget is spent at once; steps 1-7 run anyway, the check before step 8 stops it
        Assert.True(r.StoppedByTimeBudget);
    }

    [Fact]
    public void Invalid_options_name_the_field()
    {
        Assert.Contains("Steps", Assert.Throws<ArgumentException>(() => (Tiny with { Steps = 0 }).Validate()).Message);
        Assert.Contains("LearningRate", Assert.Throws<ArgumentException>(() => (Tiny with { LearningRate = double.NaN }).Validate()).Message);
        Assert.Contains("TimeBudgetSeconds", Assert.Throws<ArgumentException>(() => (Tiny with { TimeBudgetSeconds = 0 }).Validate()).Message);
        Assert.Contains("MinSteps", Assert.Throws<ArgumentException>(() => (Tiny with { MinSteps = 61 }).Validate()).Message);
    }

    [Fact]
    public void Step_log_line_has_the_house_format()
    {
        var m = new StepMetrics(120, 1.83421, 3e-4, 0.5, 310.2, 12_400, 1000, 1);
        Assert.Equal("step 120 | loss 1.8342 | lr 3.0e-04 | 12.4k tok/s | 310 ms", m.ToLogLine());
        Assert.Equal("950", StepMetrics.Rate(950));
        Assert.Equal("1.2M", StepMetrics.Rate(1.24e6));
    }

    [Fact]
    public void Unigram_entropy_and_text_decoding_known_answers()
    {
        Assert.Equal(Math.Log(4), UnigramEntropy.Nats([0, 1, 2, 3, 3, 2, 1, 0]), 12);
        Assert.Equal(0, UnigramEntropy.Nats([7, 7, 7]));
        Assert.Equal(3, UnigramEntropy.Distinct([7, 1, 7, 2]));
        byte[] cut = [.. "né€"u8.ToArray()[..^1]]; // "€" is 3 bytes: cut its last one
        Assert.Equal("né", CorpusText.Decode(cut));
        Assert.Equal("né€", CorpusText.Decode("né€"u8));
    }
}
