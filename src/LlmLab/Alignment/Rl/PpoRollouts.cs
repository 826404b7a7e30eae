using System.Text.Json.Nodes;
using LlmLab.Data;
using LlmLab.Data.Mixture;
using LlmLab.Inference;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Tokenization;
using static TorchSharp.torch;

namespace LlmLab.Alignment;

/// <summary>
/// PPO's batch provider: rollouts generated on demand, then trained on for several epochs, all through the one
/// <see cref="Training.Trainer"/>. When its buffer is used up it makes the next rollout batch:
/// <list type="number">
/// <item>the next <see cref="PpoOptions.RolloutBatch"/> prompts (a seeded order, cycling) are answered by the current
/// policy through the <see cref="GenerationEngine"/> (sampling at the configured temperature, per-request seeds);</item>
/// <item>the policy's log-probabilities and values, and the frozen reference's log-probabilities, of every reply token;</item>
/// <item>the reward function scores each reply; the per-token reward is −β·KL_t (the chosen estimator), plus the score on
/// the reply's last token (Ziegler et al. 2019; TRL);</item>
/// <item>GAE (γ, λ), advantages whitened over the batch; then <see cref="PpoOptions.Epochs"/> shuffled passes of
/// minibatches (X, Y and extras <c>old_logps</c>, <c>old_values</c>, <c>advantages</c>, <c>returns</c>).</item>
/// </list>
/// Resumable exactly: the state holds the rollout index, the position in its epochs, β, and — between rollouts' ends — the
/// rollout buffer itself (a rollout cannot be regenerated: the policy that sampled it has since changed). Not thread-safe.
/// </summary>
public sealed class PpoRollouts : IResumableBatchProvider
{
    /// <summary>Extra tensors' names in each minibatch.</summary>
    public const string OldLogProbs = "old_logps", OldValues = "old_values", Advantages = "advantages", Returns = "returns";

    readonly ScalarHeadModel _policy;
    readonly GptModel _reference;
    readonly BpeTokenizer _tokenizer;
    readonly IReadOnlyList<int[]> _prompts;
    readonly Func<IReadOnlyList<PpoSample>, double[]> _reward;
    readonly PpoOptions _o;
    readonly int _context;
    readonly List<RolloutStats> _history = [];
    Buffer? _buffer;
    int _rollout, _step;  // rollouts made so far; minibatches served from the current one
    double _klCoef;

    /// <param name="policy">The policy with its value head (trained by the caller's trainer; not owned).</param>
    /// <param name="reference">The frozen reference (not owned).</param>
    /// <param name="tokenizer">The policy's tokenizer, with the chat tokens.</param>
    /// <param name="prompts">Prompt ids (each ending with the assistant marker).</param>
    /// <param name="reward">Scores a rollout's replies, one number each.</param>
    /// <param name="options">PPO's settings.</param>
    public PpoRollouts(ScalarHeadModel policy, GptModel reference, BpeTokenizer tokenizer, IReadOnlyList<int[]> prompts,
        Func<IReadOnlyList<PpoSample>, double[]> reward, PpoOptions options)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(reward);
        ArgumentNullException.ThrowIfNull(options);
        if (prompts.Count == 0) throw new InputException("no prompt to run PPO on");
        (_policy, _reference, _tokenizer, _prompts, _reward, _o) = (policy, reference, tokenizer, prompts, reward, options);
        _context = policy.Body.Config.Context;
        _klCoef = options.KlCoef;
        foreach (var (p, i) in prompts.Select((p, i) => (p, i)))
            if (p.Length + 1 > _context) throw new InputException($"prompt {i + 1} has {p.Length} tokens: no room to reply in the context of {_context}");
    }

    /// <summary>Every rollout made so far, in order.</summary>
    public IReadOnlyList<RolloutStats> History => _history;

    /// <summary>The latest rollout's figures, or null before the first.</summary>
    public RolloutStats? Current => _buffer?.Stats;

    public TrainingBatch Next()
    {
        int perEpoch = (_o.RolloutBatch + _o.MiniBatch - 1) / _o.MiniBatch;
        if (_buffer is null || _step == _o.Epochs * perEpoch) { _buffer = Rollout(); _step = 0; }
        int epoch = _step / perEpoch, k = _step % perEpoch;
        _step++;
        var order = SeededPermutation.Of(_o.RolloutBatch, SeededPermutation.Derive(_o.Seed, "ppo-minibatch", _buffer.Stats.Rollout, epoch));
        var rows = tensor(order.Skip(k * _o.MiniBatch).Take(_o.MiniBatch).Select(i => (long)i).ToArray());
        var b = _buffer;
        return new TrainingBatch(b.X.index_select(0, rows), b.Y.index_select(0, rows), Extras: new Dictionary<string, Tensor>
        {
            [OldLogProbs] = b.LogProbs.index_select(0, rows), [OldValues] = b.Values.index_select(0, rows),
            [Advantages] = b.Advantages.index_select(0, rows), [Returns] = b.Returns.index_select(0, rows),
        });
    }

    /// <summary>Generates, scores and prepares the next rollout batch (steps 1–4 of the class summary).</summary>
    Buffer Rollout()
    {
        int r = _rollout++;
        var order = SeededPermutation.Of(_prompts.Count, SeededPermutation.Derive(_o.Seed, "ppo-prompts"));
        var which = Enumerable.Range(0, _o.RolloutBatch).Select(i => order[(int)(((long)r * _o.RolloutBatch + i) % _prompts.Count)]).ToArray();
        var engine = new GenerationEngine(_policy.Body, _tokenizer);
        var stops = ChatTemplate.Chat.StopTokenIds(_tokenizer);
        var results = engine.GenerateBatch(which.Select((p, i) => ((IReadOnlyList<int>)_prompts[p], new SamplingParams(Temperature: _o.Temperature,
            MaxTokens: Math.Min(_o.MaxNewTokens, _context + 1 - _prompts[p].Length), StopTokens: stops,
            Seed: Seeding.DeriveSeed(_o.Seed, $"ppo-sample-{r}-{i}")))).ToArray());
        var samples = which.Select((p, i) => new PpoSample(p, _prompts[p], results[i].Tokens.ToArray(), results[i].Text.Trim())).ToArray();
        var scores = _reward(samples);
        if (scores.Length != samples.Length) throw new InvalidOperationException($"the reward function gave {scores.Length} scores for {samples.Length} replies");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var device = _policy.parameters().First().device;
        var (x, y) = PreferenceBatches.Rows(samples.Select(s => (s.Prompt, s.Reply)).ToArray(), _context);
        (x, y) = (x.to(device), y.to(device));
        var mask = y >= 0;
        bool wasTraining = _policy.training;
        _policy.eval();
        _reference.eval();
        Tensor logp, values, refLogp;
        try
        {
            var (logits, v) = _policy.Forward(x);
            (logp, values) = (SequenceLogProbs.PerToken(logits / _o.Temperature, y), v * mask.to(v.dtype));
            refLogp = SequenceLogProbs.PerToken(_reference.call(x) / _o.Temperature, y);
        }
        finally { _policy.train(wasTraining); }
        var kl = PpoMath.Kl(logp, refLogp, _o.Kl) * mask.to(logp.dtype);                    // (N, T)
        var rewards = -_klCoef * kl;
        var last = ScalarHeadModel.AtLastTarget(arange(_context, dtype: ScalarType.Int64, device: device).unsqueeze(0).expand_as(y), y);
        rewards = rewards.scatter_add(1, last.unsqueeze(1), tensor(scores.Select(s => (float)s).ToArray(), device: device).unsqueeze(1));
        var (advantages, returns) = PpoMath.Gae(rewards, values, mask, _o.Gamma, _o.Lambda);
        if (_o.WhitenAdvantages) advantages = PpoMath.Whiten(advantages, mask);
        // The sequence KL for the report is always k1's sum (unbiased for KL(π ‖ π_ref) of the whole reply).
        double klSeq = ((logp - refLogp) * mask.to(logp.dtype)).sum(1).mean().item<float>();
        long tokens = samples.Sum(s => (long)s.Reply.Length);
        var stats = new RolloutStats(r, scores.Average(), klSeq, _klCoef, tokens / (double)samples.Length, tokens);
        _history.Add(stats);
        if (_o.AdaptiveKl) // Ziegler et al. 2019, §2.2: β ← β·(1 + clip((KL − target)/target, ±0.2)·n/horizon), horizon 10,000
            _klCoef *= 1 + Math.Clamp((klSeq - _o.TargetKl) / _o.TargetKl, -0.2, 0.2) * samples.Length / 10_000.0;
        _buffer?.Dispose();
        return new Buffer(x.cpu().DetachFromDisposeScope(), y.cpu().DetachFromDisposeScope(), logp.cpu().DetachFromDisposeScope(),
            values.cpu().DetachFromDisposeScope(), advantages.cpu().DetachFromDisposeScope(), returns.cpu().DetachFromDisposeScope(), stats);
    }

    public JsonObject SaveState()
    {
        var state = new JsonObject
        {
            ["kind"] = "ppo", ["seed"] = _o.Seed, ["prompts"] = _prompts.Count, ["rollout_batch"] = _o.RolloutBatch, ["mini_batch"] = _o.MiniBatch,
            ["epochs"] = _o.Epochs, ["rollout"] = _rollout, ["step"] = _step, ["kl_coef"] = _klCoef,
            ["prompt_checksum"] = _prompts.Aggregate(17L, (h, p) => h * 31 + p.Sum(x => (long)x) + p.Length),
            ["history"] = new JsonArray(_history.Select(h => (JsonNode)System.Text.Json.JsonSerializer.SerializeToNode(h)!).ToArray()),
        };
        if (_buffer is not null) state["buffer"] = _buffer.ToJson();
        return state;
    }

    public void RestoreState(JsonObject state)
    {
        ArgumentNullException.ThrowIfNull(state);
        foreach (var key in new[] { "kind", "seed", "prompts", "rollout_batch", "mini_batch", "epochs", "prompt_checksum" })
            if (state[key]?.ToJsonString() != SaveState()[key]?.ToJsonString())
                throw new InputException($"the PPO rollout position was saved with {key} = {state[key]?.ToJsonString() ?? "(absent)"}, " +
                    $"this run has {SaveState()[key]?.ToJsonString()}: resume with the same prompts and PPO settings");
        _rollout = (int?)state["rollout"] ?? 0;
        _step = (int?)state["step"] ?? 0;
        _klCoef = (double?)state["kl_coef"] ?? _o.KlCoef;
        _history.Clear();
        foreach (var h in state["history"]?.AsArray() ?? []) _history.Add(System.Text.Json.JsonSerializer.Deserialize<RolloutStats>(h)!);
        _buffer?.Dispose();
        _buffer = state["buffer"] is JsonObject b ? Buffer.FromJson(b, _history[^1]) : null;
    }

    /// <summary>One rollout batch, on the CPU: (N, T) each.</summary>
    sealed record Buffer(Tensor X, Tensor Y, Tensor LogProbs, Tensor Values, Tensor Advantages, Tensor Returns, RolloutStats Stats) : IDisposable
    {
        public JsonObject ToJson() => new()
        {
            ["shape"] = new JsonArray(X.shape[0], X.shape[1]),
            ["x"] = Longs(X), ["y"] = Longs(Y), ["logps"] = Floats(LogProbs), ["values"] = Floats(Values),
            ["advantages"] = Floats(Advantages), ["returns"] = Floats(Returns),
        };

        public static Buffer FromJson(JsonObject o, RolloutStats stats)
        {
            var shape = new[] { (long)o["shape"]![0]!, (long)o["shape"]![1]! };
            Tensor L(string k) => tensor(Convert.FromBase64String((string)o[k]!).Chunk(8).Select(c => BitConverter.ToInt64(c)).ToArray(), shape);
            Tensor F(string k) => tensor(Convert.FromBase64String((string)o[k]!).Chunk(4).Select(c => BitConverter.ToSingle(c)).ToArray(), shape);
            return new Buffer(L("x").DetachFromDisposeScope(), L("y").DetachFromDisposeScope(), F("logps").DetachFromDisposeScope(),
                F("values").DetachFromDisposeScope(), F("advantages").DetachFromDisposeScope(), F("returns").DetachFromDisposeScope(), stats);
        }

        static string Longs(Tensor t) => Convert.ToBase64String(t.data<long>().ToArray().SelectMany(BitConverter.GetBytes).ToArray());
        static string Floats(Tensor t) => Convert.ToBase64String(t.data<float>().ToArray().SelectMany(BitConverter.GetBytes).ToArray());

        public void Dispose() { X.Dispose(); Y.Dispose(); LogProbs.Dispose(); Values.Dispose(); Advantages.Dispose(); Returns.Dispose(); }
    }
}
