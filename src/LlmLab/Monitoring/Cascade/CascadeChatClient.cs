using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmLab.Monitoring.Cascade;

/// <summary>
/// A two-model cascade (FrugalGPT, Chen et al. 2023, "FrugalGPT: How to Use Large Language Models While Reducing Cost
/// and Improving Performance", section 3): (1) the small model answers; (2) a scorer judges that answer; (3) below
/// <see cref="Threshold"/> the large model answers instead. Costs are tokens × each model's <see cref="ModelPrice"/>,
/// counting the scorer's own calls. As an <see cref="IChatClient"/> it drops in wherever a model does; the response's
/// <c>AdditionalProperties</c> carry <c>cascade.escalated</c>, <c>cascade.score</c> and <c>cascade.cost</c>. A stream
/// is answered after the decision (the cascade cannot stream the small model's text and then take it back).
/// Thread-safe when both clients and the scorer are. Does not own the clients.
/// </summary>
public sealed class CascadeChatClient : IChatClient
{
    /// <param name="small">Answers first.</param>
    /// <param name="large">Answers the escalated questions.</param>
    /// <param name="scorer">Judges the small model's answers.</param>
    /// <param name="threshold">Escalate when the score is below it (<see cref="ThresholdCalibration"/> picks one).</param>
    /// <param name="smallPrice">The small model's token prices.</param>
    /// <param name="largePrice">The large model's.</param>
    /// <param name="modelId">The id this cascade reports (null: "cascade(small,large)").</param>
    public CascadeChatClient(IChatClient small, IChatClient large, IConfidenceScorer scorer, double threshold, ModelPrice smallPrice,
        ModelPrice largePrice, string? modelId = null)
    {
        (Small, Large, Scorer) = (small ?? throw new ArgumentNullException(nameof(small)), large ?? throw new ArgumentNullException(nameof(large)),
            scorer ?? throw new ArgumentNullException(nameof(scorer)));
        if (double.IsNaN(threshold)) throw new InputException("the cascade threshold must be a number");
        (Threshold, SmallPrice, LargePrice) = (threshold, smallPrice, largePrice);
        ModelId = modelId ?? "cascade";
    }

    public IChatClient Small { get; }
    public IChatClient Large { get; }
    public IConfidenceScorer Scorer { get; }
    public double Threshold { get; }
    public ModelPrice SmallPrice { get; }
    public ModelPrice LargePrice { get; }
    public string ModelId { get; }

    long _questions, _escalations;
    double _cost;
    readonly Lock _lock = new();

    /// <summary>Questions answered, escalations, and their total cost so far (for metrics).</summary>
    public (long Questions, long Escalations, double Cost) Totals { get { lock (_lock) return (_questions, _escalations, _cost); } }

    /// <summary>Runs the cascade on one conversation (steps 1–3 above).</summary>
    public async Task<CascadeResult> AnswerAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken ct = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var small = await Small.GetResponseAsync(list, Scorer.Prepare(options), ct).ConfigureAwait(false);               // 1.
        var score = await Scorer.ScoreAsync(Small, list, options, small, ct).ConfigureAwait(false);                      // 2.
        double smallCost = SmallPrice.Cost((small.Usage?.InputTokenCount ?? 0) + score.ExtraInputTokens,
            (small.Usage?.OutputTokenCount ?? 0) + score.ExtraOutputTokens);
        bool escalate = score.Value < Threshold;
        ChatResponse final = small;
        double largeCost = 0;
        if (escalate)                                                                                                    // 3.
        {
            final = await Large.GetResponseAsync(list, options, ct).ConfigureAwait(false);
            largeCost = LargePrice.Cost(final.Usage?.InputTokenCount ?? 0, final.Usage?.OutputTokenCount ?? 0);
        }
        lock (_lock) { _questions++; _escalations += escalate ? 1 : 0; _cost += smallCost + largeCost; }
        return new CascadeResult(final, small, score, escalate, smallCost, largeCost);
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var r = await AnswerAsync(messages, options, cancellationToken).ConfigureAwait(false);
        var response = r.Final;
        (response.AdditionalProperties ??= [])["cascade.escalated"] = r.Escalated;
        response.AdditionalProperties["cascade.score"] = r.Score.Value;
        response.AdditionalProperties["cascade.cost"] = r.Cost;
        response.ModelId = ModelId;
        return response;
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var u in response.ToChatResponseUpdates()) yield return u;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    /// <summary>Nothing to release: the clients belong to the caller.</summary>
    public void Dispose() { }
}
