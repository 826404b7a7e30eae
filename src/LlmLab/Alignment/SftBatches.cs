using System.Text.Json.Nodes;
using LlmLab.Data;
using LlmLab.Inference;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Alignment;

/// <summary>
/// Batches of encoded chats for supervised fine-tuning (<see cref="ChatTemplate.Encode"/>), endlessly, one seeded
/// shuffle per epoch. An example of n ids gives n − 1 (input, target) pairs: input id t predicts id t + 1, and the target
/// is −1 (no loss) unless id t + 1 is the assistant's — the completion-only loss of TRL's SFTTrainer — or, with
/// <c>assistantOnly: false</c>, for every id of the example. Targets never cross from one example into the next.
/// Rows are padded (<see cref="SftBatchLayout.Pad"/>) or packed (<see cref="SftBatchLayout.Pack"/>, with per-example
/// positions and a block-diagonal causal mask). Resumable: the state is (epoch, position). Not thread-safe.
/// </summary>
public sealed class SftBatches : IResumableBatchProvider
{
    readonly IReadOnlyList<ChatEncoding> _examples;
    readonly int _batch, _context, _seed, _pad;
    readonly bool _assistantOnly;
    readonly long _checksum;
    int _epoch, _position;
    int[] _order;

    /// <param name="examples">Encoded chats; each at most context + 1 ids long.</param>
    /// <param name="batch">Rows per batch (B).</param>
    /// <param name="context">Tokens per row (T).</param>
    /// <param name="layout">Pad or pack.</param>
    /// <param name="seed">Seeds the order of each epoch.</param>
    /// <param name="assistantOnly">Loss on the assistant's ids only (the default), or on every id of each example.</param>
    /// <param name="padId">The input id of padding (any valid id: its targets are −1 and no real token attends to it).</param>
    /// <exception cref="InputException">No example, or one longer than the context allows (naming it).</exception>
    public SftBatches(IReadOnlyList<ChatEncoding> examples, int batch, int context, SftBatchLayout layout, int seed,
        bool assistantOnly = true, int padId = 0)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new InputException("no SFT example to train on");
        if (batch < 1 || context < 1) throw new ArgumentException($"batch and context must be >= 1 (got {batch}, {context})");
        for (int i = 0; i < examples.Count; i++)
        {
            if (examples[i].Ids.Length - 1 > context)
                throw new InputException($"example {i} has {examples[i].Ids.Length} tokens, more than the context of {context} + 1: " +
                    "drop or shorten it, or fine-tune with a longer context");
            if (examples[i].Ids.Length < 2) throw new InputException($"example {i} has fewer than 2 tokens: nothing to predict");
            if (assistantOnly && !examples[i].Assistant.Skip(1).Any(a => a))
                throw new InputException($"example {i} has no assistant token to train on");
        }
        (_examples, _batch, _context, Layout, _seed, _assistantOnly, _pad) = (examples, batch, context, layout, seed, assistantOnly, padId);
        _checksum = examples.Aggregate(17L, (h, e) => h * 31 + e.Ids.Length * 7919L + e.Ids.Sum(x => (long)x));
        _order = Order(0);
    }

    public SftBatchLayout Layout { get; }

    /// <summary>Examples consumed so far (over all epochs).</summary>
    public long ExamplesSeen => (long)_epoch * _examples.Count + _position;

    public TrainingBatch Next()
    {
        var x = new long[_batch * _context];
        var y = new long[_batch * _context];
        var pos = new long[_batch * _context];
        var seg = new int[_batch * _context];
        Array.Fill(x, _pad);
        Array.Fill(y, -1L);
        Array.Fill(seg, -1);
        for (int row = 0; row < _batch; row++)
        {
            int used = 0, segment = 0;
            do
            {
                var e = _examples[Peek()];
                int n = e.Ids.Length - 1;                       // (input, target) pairs of this example
                if (used > 0 && used + n > _context) break;     // the next example goes to the next row
                Take();
                for (int t = 0; t < n; t++)
                {
                    int at = row * _context + used + t;
                    x[at] = e.Ids[t];
                    y[at] = !_assistantOnly || e.Assistant[t + 1] ? e.Ids[t + 1] : -1;
                    pos[at] = t;
                    seg[at] = segment;
                }
                used += n;
                segment++;
            } while (Layout == SftBatchLayout.Pack && used < _context);
            for (int t = used; t < _context; t++) pos[row * _context + t] = t; // padding: positions in range, masked out
        }
        var shape = new long[] { _batch, _context };
        var xt = tensor(x, shape, ScalarType.Int64);
        var yt = tensor(y, shape, ScalarType.Int64);
        if (Layout == SftBatchLayout.Pad) return new TrainingBatch(xt, yt);
        return new TrainingBatch(xt, yt, tensor(pos, shape, ScalarType.Int64), PackedMask(seg, _batch, _context));
    }

    /// <summary>(B, 1, T, T) bool: query q sees key k when both are in the same example and k ≤ q; a padding query sees
    /// only itself (a row with no visible key would make softmax NaN).</summary>
    public static Tensor PackedMask(int[] segments, int batch, int context)
    {
        using var scope = NewDisposeScope();
        var s = tensor(segments, [batch, context], ScalarType.Int32);
        var same = s.unsqueeze(2) == s.unsqueeze(1);                                        // (B, T, T)
        var causal = ones(context, context, ScalarType.Bool).tril();                        // (T, T)
        var diagonal = eye(context, dtype: ScalarType.Bool);
        var mask = (same & causal & (s.unsqueeze(2) >= 0)) | diagonal;                      // (B, T, T)
        return mask.unsqueeze(1).MoveToOuterDisposeScope();                                 // (B, 1, T, T)
    }

    int Peek() => _order[_position];

    void Take()
    {
        if (++_position < _order.Length) return;
        _epoch++;
        _position = 0;
        _order = Order(_epoch);
    }

    int[] Order(int epoch)
    {
        var rng = Seeding.Stream(_seed, $"sft-epoch-{epoch}");
        return Enumerable.Range(0, _examples.Count).OrderBy(_ => rng.Next()).ToArray();
    }

    public JsonObject SaveState() => new()
    {
        ["kind"] = "sft", ["seed"] = _seed, ["epoch"] = _epoch, ["position"] = _position, ["batch"] = _batch, ["context"] = _context,
        ["layout"] = Layout.ToString(), ["assistant_only"] = _assistantOnly, ["checksum"] = _checksum,
    };

    public void RestoreState(JsonObject state)
    {
        ArgumentNullException.ThrowIfNull(state);
        foreach (var (key, mine) in SaveState())
            if (key is not "epoch" and not "position" && state[key]?.ToJsonString() != mine?.ToJsonString())
                throw new InputException($"the SFT data position was saved with {key} = {state[key]?.ToJsonString() ?? "(absent)"}, " +
                    $"this run has {mine?.ToJsonString()}: resume on the same data and settings");
        _epoch = (int?)state["epoch"] ?? 0;
        _position = (int?)state["position"] ?? 0;
        _order = Order(_epoch);
    }
}
