using System.Text.Json.Nodes;
using LlmLab.Data;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Alignment;

/// <summary>
/// Batches of preference pairs for the <see cref="Training.Trainer"/> (DPO and the reward model), endlessly, one seeded
/// shuffle per epoch. A batch of B pairs is one (2B, T) batch: rows 0..B−1 the chosen sequences, rows B..2B−1 the
/// rejected ones, each prompt ++ reply right-padded; X = sequence[:-1], Y = sequence[1:] with −1 wherever the target is a
/// prompt token or padding, so only the reply's tokens (its <c>&lt;|end|&gt;</c> included) count. Right padding needs no
/// mask: a causal model's real positions never see the pads after them.
/// With <see cref="ComputeReference"/> called once, each batch also carries <c>ref_logps</c> (2B), the frozen reference
/// model's log-probability of each reply (Rafailov et al. 2023: the reference only enters through these numbers, so they
/// are computed once, not at every step). Resumable: the state is (epoch, position). Not thread-safe.
/// </summary>
public sealed class PreferenceBatches : IResumableBatchProvider
{
    /// <summary>The extra tensor with the reference log-probabilities.</summary>
    public const string ReferenceLogProbs = "ref_logps";

    readonly IReadOnlyList<EncodedPair> _pairs;
    readonly int _batch, _context, _seed;
    readonly long _checksum;
    float[]? _refChosen, _refRejected;
    int _epoch, _position;
    int[] _order;

    /// <param name="pairs">Encoded pairs; prompt + each reply at most context + 1 ids.</param>
    /// <param name="batch">Pairs per batch (B).</param>
    /// <param name="context">T.</param>
    /// <param name="seed">Seeds each epoch's order.</param>
    /// <exception cref="InputException">No pair, or one longer than the context (naming it).</exception>
    public PreferenceBatches(IReadOnlyList<EncodedPair> pairs, int batch, int context, int seed)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0) throw new InputException("no preference pair to train on");
        if (batch < 1 || context < 1) throw new ArgumentException($"batch and context must be >= 1 (got {batch}, {context})");
        for (int i = 0; i < pairs.Count; i++)
            if (pairs[i].Length > context + 1)
                throw new InputException($"pair {i + 1} has {pairs[i].Length} tokens (prompt + longer reply), more than the context of {context} + 1: " +
                    "shorten or drop it");
        (_pairs, _batch, _context, _seed) = (pairs, batch, context, seed);
        _checksum = pairs.Aggregate(17L, (h, p) => h * 31 + p.Prompt.Sum(x => (long)x) * 7 + p.Chosen.Sum(x => (long)x) * 13 + p.Rejected.Sum(x => (long)x));
        _order = Order(0);
    }

    /// <summary>Pairs.</summary>
    public int Count => _pairs.Count;

    /// <summary>Pairs consumed so far, over all epochs.</summary>
    public long PairsSeen => (long)_epoch * _pairs.Count + _position;

    /// <summary>
    /// Computes every pair's reference log-probabilities with <paramref name="reference"/> (evaluation mode, no
    /// gradients) and keeps them: every later batch carries them as <see cref="ReferenceLogProbs"/>.
    /// </summary>
    public void ComputeReference(GptModel reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        (_refChosen, _refRejected) = LogProbs(reference);
    }

    /// <summary>The log-probability of every pair's chosen and rejected reply under <paramref name="model"/>, in pair
    /// order (evaluation mode, no gradients; the model's mode is restored).</summary>
    public (float[] Chosen, float[] Rejected) LogProbs(GptModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var chosen = new float[_pairs.Count];
        var rejected = new float[_pairs.Count];
        bool wasTraining = model.training;
        var device = model.parameters().First().device;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            for (int start = 0; start < _pairs.Count; start += _batch)
            {
                using var scope = NewDisposeScope();
                var ids = Enumerable.Range(start, Math.Min(_batch, _pairs.Count - start)).ToArray();
                var b = Make(ids, withReference: false);
                var lp = SequenceLogProbs.Sum(model.call(b.X.to(device)), b.Y.to(device)).cpu().data<float>().ToArray();
                for (int k = 0; k < ids.Length; k++) { chosen[ids[k]] = lp[k]; rejected[ids[k]] = lp[ids.Length + k]; }
            }
        }
        finally { model.train(wasTraining); }
        return (chosen, rejected);
    }

    /// <summary>Every pair once, in order, as batches of at most B pairs (for evaluation).</summary>
    public IEnumerable<TrainingBatch> InOrder()
    {
        for (int start = 0; start < _pairs.Count; start += _batch)
            yield return Make(Enumerable.Range(start, Math.Min(_batch, _pairs.Count - start)).ToArray(), _refChosen is not null);
    }

    public TrainingBatch Next()
    {
        var ids = new int[_batch];
        for (int k = 0; k < _batch; k++)
        {
            ids[k] = _order[_position];
            if (++_position == _order.Length) { _epoch++; _position = 0; _order = Order(_epoch); }
        }
        return Make(ids, _refChosen is not null);
    }

    TrainingBatch Make(int[] ids, bool withReference)
    {
        int b = ids.Length, t = _context;
        var x = new long[2 * b * t];
        var y = new long[2 * b * t];
        Array.Fill(y, -1L);
        for (int k = 0; k < b; k++)
        {
            var p = _pairs[ids[k]];
            Fill(x, y, k * t, p.Prompt, p.Chosen);
            Fill(x, y, (b + k) * t, p.Prompt, p.Rejected);
        }
        var shape = new long[] { 2 * b, t };
        IReadOnlyDictionary<string, Tensor>? extras = null;
        if (withReference)
        {
            var r = ids.Select(i => _refChosen![i]).Concat(ids.Select(i => _refRejected![i])).ToArray();
            extras = new Dictionary<string, Tensor> { [ReferenceLogProbs] = tensor(r, ScalarType.Float32) };
        }
        return new TrainingBatch(tensor(x, shape, ScalarType.Int64), tensor(y, shape, ScalarType.Int64), Extras: extras);
    }

    /// <summary>
    /// (X, Y), each (N, <paramref name="context"/>), for N (prompt, reply) sequences laid out as the batches are: X =
    /// prompt ++ reply without its last id, right-padded with 0; Y = the next id where it is the reply's, else −1.
    /// </summary>
    /// <exception cref="ArgumentException">A sequence longer than context + 1.</exception>
    public static (Tensor X, Tensor Y) Rows(IReadOnlyList<(int[] Prompt, int[] Reply)> sequences, int context)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        var x = new long[sequences.Count * context];
        var y = new long[sequences.Count * context];
        Array.Fill(y, -1L);
        for (int i = 0; i < sequences.Count; i++)
        {
            var (p, r) = sequences[i];
            if (p.Length + r.Length - 1 > context || r.Length == 0)
                throw new ArgumentException($"sequence {i} has {p.Length + r.Length} ids (a reply of {r.Length}): at most context + 1 = {context + 1}, reply >= 1");
            Fill(x, y, i * context, p, r);
        }
        var shape = new long[] { sequences.Count, context };
        return (tensor(x, shape, ScalarType.Int64), tensor(y, shape, ScalarType.Int64));
    }

    /// <summary>One row: inputs prompt ++ reply without its last id; targets the next id where it is the reply's.</summary>
    static void Fill(long[] x, long[] y, int at, int[] prompt, int[] reply)
    {
        int n = prompt.Length + reply.Length - 1;
        for (int i = 0; i < n; i++)
        {
            x[at + i] = i < prompt.Length ? prompt[i] : reply[i - prompt.Length];
            if (i + 1 >= prompt.Length) y[at + i] = reply[i + 1 - prompt.Length];
        }
    }

    int[] Order(int epoch)
    {
        var rng = Seeding.Stream(_seed, $"preference-epoch-{epoch}");
        return Enumerable.Range(0, _pairs.Count).OrderBy(_ => rng.Next()).ToArray();
    }

    public JsonObject SaveState() => new()
    {
        ["kind"] = "preference", ["seed"] = _seed, ["epoch"] = _epoch, ["position"] = _position, ["batch"] = _batch, ["context"] = _context,
        ["pairs"] = _pairs.Count, ["checksum"] = _checksum,
    };

    public void RestoreState(JsonObject state)
    {
        ArgumentNullException.ThrowIfNull(state);
        foreach (var (key, mine) in SaveState())
            if (key is not "epoch" and not "position" && state[key]?.ToJsonString() != mine?.ToJsonString())
                throw new InputException($"the preference data position was saved with {key} = {state[key]?.ToJsonString() ?? "(absent)"}, " +
                    $"this run has {mine?.ToJsonString()}: resume on the same pairs and settings");
        _epoch = (int?)state["epoch"] ?? 0;
        _position = (int?)state["position"] ?? 0;
        _order = Order(_epoch);
    }
}
