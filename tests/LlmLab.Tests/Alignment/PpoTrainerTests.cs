using LlmLab.Alignment;
using LlmLab.Tests.Training;
using LlmLab.Training;
using Microsoft.Extensions.AI;

namespace LlmLab.Tests.Alignment;

/// <summary>PPO end to end on a tiny model: rollouts through the engine, the trainer's metrics, exact resume mid-rollout;
/// and the reward model's loss against its own scores.</summary>
[Collection(TrainerCollection.Name)]
public sealed class PpoTrainerTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-ppo-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    static IReadOnlyList<IReadOnlyList<ChatMessage>> Prompts => AlignmentFixtures.Data.Train.Take(8).Select(x => x.Prompt).ToArray();

    /// <summary>A verifiable reward: the family checker's verdict (1 right, 0 wrong), −0.5 when the format is invalid.</summary>
    static double[] Checker(IReadOnlyList<PpoSample> samples)
    {
        var train = AlignmentFixtures.Data.Train;
        return samples.Select(s =>
        {
            var g = TaskFamilies.ByName(train[s.PromptIndex].Family).Check(train[s.PromptIndex].ReferenceText, s.Text);
            return g.Correct ? 1.0 : g.FormatValid ? 0 : -0.5;
        }).ToArray();
    }

    [Fact]
    public void Ppo_runs_rollouts_through_the_engine_logs_its_metrics_and_resumes_exactly_mid_rollout()
    {
        var o = new PpoOptions(Rollouts: 2, RolloutBatch: 4, MiniBatch: 2, Epochs: 2, LearningRate: 1e-3, MaxNewTokens: 8, Seed: 3);
        Assert.Equal(4, o.StepsPerRollout);
        using var reference = AlignmentFixtures.Policy();
        using var policy = AlignmentFixtures.Policy();
        string dir = Path.Combine(_root, "ckpt");
        var (full, rollouts) = PpoTrainer.Train(policy, AlignmentFixtures.Tokenizer, Prompts, Checker, o, reference,
            checkpoints: new CheckpointOptions(dir, Every: 3));
        Assert.Equal(8, full.Steps.Count);
        Assert.Equal(2, rollouts.Count);
        Assert.Equal(0, rollouts[0].Kl, 4);            // the first rollout's policy is the reference
        Assert.True(rollouts.All(r => r.Tokens > 0 && r.ReplyTokens <= 8));
        foreach (string key in new[] { "policy_loss", "value_loss", "clip_fraction", "approx_kl", "score", "kl", "kl_coef" })
            Assert.Contains(key, full.Steps[^1].Values!.Keys);
        Assert.Equal(0, full.Steps[0].Values!["approx_kl"], 6);                  // first minibatch: π = π_old
        Assert.NotEqual(0, full.Steps[^1].Values!["kl"]);                        // the second rollout's policy has moved

        // Resumed from step 3 (inside the first rollout: its buffer comes from the checkpoint), then step 6 (inside the second).
        var saved = Checkpoint.List(dir);
        Assert.Equal([3, 6, 8], saved.Select(c => c.Step));
        foreach (var from in saved.Take(2))
        {
            using var resumed = AlignmentFixtures.Policy(seed: 42);
            var (half, again) = PpoTrainer.Train(resumed, AlignmentFixtures.Tokenizer, Prompts, Checker, o, reference,
                checkpoints: new CheckpointOptions(Path.Combine(_root, $"resume-{from.Step}"), Every: 4), resumeFrom: from.Directory);
            Assert.Equal(full.Steps.Select(s => s.Loss), half.Steps.Select(s => s.Loss));
            Assert.Equal(rollouts, again);
            var a = policy.state_dict();
            foreach (var (name, t) in resumed.state_dict()) Assert.True(t.allclose(a[name], rtol: 0, atol: 0), name);
        }
    }

    [Fact]
    public void Reward_model_loss_is_bradley_terry_on_its_own_scores_and_training_separates_the_pairs()
    {
        var pairs = AlignmentFixtures.Pairs;
        using var rm = new ScalarHeadModel(AlignmentFixtures.Policy(), seed: 1);
        var batches = DpoTrainer.Batches(pairs, AlignmentFixtures.Tokenizer, 4, 128, 0);
        rm.eval();
        var batch = batches.InOrder().First();
        var (loss, _) = RewardModelTrainer.Loss(rm)(batch);
        var enc = pairs.Take(4).Select(p => EncodedPair.Encode(p, AlignmentFixtures.Tokenizer)).ToArray();
        var rc = RewardModelTrainer.Score(rm, enc.Select(e => (e.Prompt, e.Chosen)).ToArray());
        var rr = RewardModelTrainer.Score(rm, enc.Select(e => (e.Prompt, e.Rejected)).ToArray());
        double expected = Enumerable.Range(0, 4).Average(i => Math.Log(1 + Math.Exp(-(rc[i] - rr[i]))));
        Assert.Equal(expected, loss.item<float>(), 5);

        double before = RewardModelTrainer.PairwiseAccuracy(rm, AlignmentFixtures.Tokenizer, pairs);
        var result = RewardModelTrainer.Train(rm, AlignmentFixtures.Tokenizer, pairs, new RewardModelOptions(Steps: 40, Batch: 8, LearningRate: 3e-3, Seed: 2));
        double after = RewardModelTrainer.PairwiseAccuracy(rm, AlignmentFixtures.Tokenizer, pairs);
        Assert.True(result.Steps[^1].Loss < result.Steps[0].Loss, $"{result.Steps[0].Loss} → {result.Steps[^1].Loss}");
        Assert.True(after > before && after >= 0.75, $"pairwise accuracy {before} → {after}");
    }
}
