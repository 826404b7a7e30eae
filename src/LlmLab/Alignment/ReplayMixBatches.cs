using System.Text.Json.Nodes;
using LlmLab.Data;
using LlmLab.Inference;
using LlmLab.Training;
using static TorchSharp.torch;

namespace LlmLab.Alignment;

/// <summary>
/// SFT batches with a share of each batch's rows replayed from the base's pretraining text, against forgetting: of B
/// rows, <see cref="ReplayRows"/> are random windows of that text with a loss on every token (plain language modelling,
/// as pretraining had), the others are <see cref="SftBatches"/> rows. The idea is rehearsal (Robins 1995), which
/// InstructGPT's "PPO-ptx" applies to fine-tuning a language model (Ouyang et al. 2022, §3.5: pretraining gradients mixed
/// in to undo regressions on public NLP datasets). Each batch is the SFT rows then the replay rows; with packed SFT rows,
/// the replay rows get positions 0..T − 1 and a plain causal mask. Note the loss is a mean over targets, and a replay row
/// has T targets where an SFT row has only its assistant tokens, so replay's share of the loss is larger than its share
/// of the rows. Resumable (both providers' states). Not thread-safe.
/// </summary>
public sealed class ReplayMixBatches : IResumableBatchProvider
{
    readonly SftBatches _sft;
    readonly TokenWindowBatches _replay;
    readonly int _context;

    /// <param name="examples">Encoded chats (see <see cref="SftBatches"/>).</param>
    /// <param name="replayTokens">The pretraining text's token ids (more than <paramref name="context"/>).</param>
    /// <param name="batch">Rows per batch, SFT and replay together.</param>
    /// <param name="context">Tokens per row.</param>
    /// <param name="replayFraction">The share of rows replayed (rounded to whole rows: <see cref="ReplayRows"/>).</param>
    /// <param name="layout">The SFT rows' layout.</param>
    /// <param name="seed">Seeds both the SFT order and the replay windows (derived apart).</param>
    /// <param name="assistantOnly">The SFT rows' loss on the assistant's tokens only.</param>
    /// <exception cref="InputException">A fraction that leaves no replay row or no SFT row, too little replay text, or
    /// the errors of <see cref="SftBatches"/>.</exception>
    public ReplayMixBatches(IReadOnlyList<ChatEncoding> examples, int[] replayTokens, int batch, int context, double replayFraction,
        SftBatchLayout layout, int seed, bool assistantOnly = true)
    {
        ArgumentNullException.ThrowIfNull(replayTokens);
        int rows = ReplayRows(batch, replayFraction);
        if (rows < 1 || rows >= batch)
            throw new InputException($"replay_fraction {replayFraction} of {batch} rows gives {rows} replay rows: it must leave at least one " +
                "replay row and one SFT row (raise the batch, or use a fraction between 1/batch and 1 − 1/batch)");
        if (replayTokens.Length <= context)
            throw new InputException($"the replay text has {replayTokens.Length:N0} tokens, not more than the context ({context}): " +
                "give more pretraining text");
        _sft = new SftBatches(examples, batch - rows, context, layout, seed, assistantOnly);
        _replay = new TokenWindowBatches(replayTokens, rows, context, Runtime.Seeding.DeriveSeed(seed, "replay"));
        (_context, Rows) = (context, rows);
    }

    /// <summary>Replay rows per batch.</summary>
    public int Rows { get; }

    /// <summary>round(batch × fraction): the replay rows of a batch of <paramref name="batch"/> rows (0 for fraction 0).</summary>
    public static int ReplayRows(int batch, double fraction) => (int)Math.Round(batch * fraction, MidpointRounding.AwayFromZero);

    public TrainingBatch Next()
    {
        using var scope = NewDisposeScope();
        var s = _sft.Next();
        var r = _replay.Next();
        var x = cat([s.X, r.X], 0);
        var y = cat([s.Y, r.Y], 0);
        if (s.Positions is null || s.Mask is null) return Keep(new TrainingBatch(x, y));
        var positions = cat([s.Positions, arange(_context, dtype: ScalarType.Int64).expand(Rows, _context)], 0);
        var causal = ones(_context, _context, ScalarType.Bool).tril().expand(Rows, 1, _context, _context);
        return Keep(new TrainingBatch(x, y, positions, cat([s.Mask, causal], 0)));
    }

    static TrainingBatch Keep(TrainingBatch b) => new(b.X.MoveToOuterDisposeScope(), b.Y.MoveToOuterDisposeScope(),
        b.Positions?.MoveToOuterDisposeScope(), b.Mask?.MoveToOuterDisposeScope());

    public JsonObject SaveState() =>
        new() { ["kind"] = "sft-replay", ["rows"] = Rows, ["sft"] = _sft.SaveState(), ["replay"] = _replay.SaveState() };

    public void RestoreState(JsonObject state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if ((string?)state["kind"] != "sft-replay" || (int?)state["rows"] != Rows)
            throw new InputException($"the saved data position is not of SFT with {Rows} replay rows per batch: " +
                "resume with the same replay_fraction and batch");
        _sft.RestoreState(state["sft"] as JsonObject ?? throw new InputException("the saved data position has no SFT part"));
        _replay.RestoreState(state["replay"] as JsonObject ?? throw new InputException("the saved data position has no replay part"));
    }
}
