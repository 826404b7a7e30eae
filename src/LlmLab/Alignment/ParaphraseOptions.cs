namespace LlmLab.Alignment;

/// <summary>How <see cref="TeacherParaphraser"/> uses its teacher. Immutable.</summary>
/// <param name="Fraction">Share of the training conversations to paraphrase, drawn with <paramref name="Seed"/> (0–1).</param>
/// <param name="Verify">Keep a paraphrase only if the teacher, asked it, gives the reference answer (its family's checker
/// grades it). Doubles the calls; off, a paraphrase that changed the task's meaning but kept its values gets through.</param>
/// <param name="Concurrency">Requests in flight at once (1–64).</param>
/// <param name="Temperature">The teacher's sampling temperature when paraphrasing (verification is greedy).</param>
/// <param name="MaxOutputTokens">Cap on each teacher reply.</param>
/// <param name="Seed">Seeds which conversations are paraphrased.</param>
public sealed record ParaphraseOptions(double Fraction = 1.0, bool Verify = true, int Concurrency = 4, float Temperature = 0.7f,
    int MaxOutputTokens = 256, int Seed = 0)
{
    /// <summary>Refuses values out of range, naming the field.</summary>
    /// <exception cref="InputException">A field out of range.</exception>
    public void Validate()
    {
        if (!(Fraction >= 0 && Fraction <= 1)) throw new InputException($"teacher fraction must be in [0, 1] (got {Fraction})");
        if (Concurrency is < 1 or > 64) throw new InputException($"teacher concurrency must be 1..64 (got {Concurrency})");
        if (!(Temperature >= 0 && Temperature <= 2)) throw new InputException($"teacher temperature must be in [0, 2] (got {Temperature})");
        if (MaxOutputTokens < 1) throw new InputException($"teacher max output tokens must be >= 1 (got {MaxOutputTokens})");
    }
}
