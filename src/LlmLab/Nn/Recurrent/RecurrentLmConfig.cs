namespace LlmLab.Nn.Recurrent;

/// <summary>
/// Settings of <see cref="RecurrentLanguageModel"/>: embedding → recurrent core → dropout → linear head. Immutable.
/// </summary>
/// <param name="Kind">The recurrent core.</param>
/// <param name="Vocab">V, token ids 0..V−1.</param>
/// <param name="Embed">E, embedding width.</param>
/// <param name="Hidden">H, hidden units per layer.</param>
/// <param name="Layers">L, stacked recurrent layers.</param>
/// <param name="Dropout">On the core's output (and between layers), in training; 0 = none.</param>
public sealed record RecurrentLmConfig(RecurrentKind Kind, int Vocab, int Embed, int Hidden, int Layers = 1, double Dropout = 0)
{
    /// <summary>Rejects sizes a model cannot have.</summary>
    /// <exception cref="ArgumentException">A size below 1 (vocab below 2) or dropout outside [0, 1).</exception>
    public void Validate()
    {
        if (Vocab < 2 || Embed < 1 || Hidden < 1 || Layers < 1 || !(Dropout >= 0 && Dropout < 1))
            throw new ArgumentException($"invalid recurrent LM config {this}: vocab must be >= 2, embed, hidden and layers >= 1, dropout in [0, 1)");
    }

    /// <summary>Parameters of the embedding table (V·E).</summary>
    public long EmbeddingParameters => (long)Vocab * Embed;

    /// <summary>Parameters of the head (H·V weights + V biases).</summary>
    public long HeadParameters => (long)Hidden * Vocab + Vocab;

    /// <summary>Parameters of the recurrent core: per layer, g·H·(in + H) weights and 2·g·H biases (libtorch keeps b_ih
    /// and b_hh apart), g = <see cref="RecurrentKinds.GateBlocks"/>, in = E for the first layer and H above it.</summary>
    public long CoreParameters
    {
        get
        {
            long g = Kind.GateBlocks(), h = Hidden, total = 0;
            for (int k = 0; k < Layers; k++) total += g * h * ((k == 0 ? Embed : h) + h) + 2 * g * h;
            return total;
        }
    }

    /// <summary>Every trainable parameter: embedding + core + head (the count the built module reports).</summary>
    public long Parameters => EmbeddingParameters + CoreParameters + HeadParameters;

    /// <summary>Parameters outside the embedding and the head: the part that does not grow with the vocabulary.</summary>
    public long NonEmbeddingParameters => CoreParameters;

    /// <summary>
    /// This config with the hidden size whose parameter count is closest to <paramref name="target"/> (ties: the
    /// smaller), so that models of different kinds or vocabularies can be compared at equal size.
    /// </summary>
    /// <exception cref="ArgumentException">Even H = 1 has more than <paramref name="target"/> parameters (the
    /// embedding and head alone are too big).</exception>
    public RecurrentLmConfig WithParameters(long target)
    {
        var smallest = this with { Hidden = 1 };
        if (smallest.Parameters > target)
            throw new ArgumentException($"{Kind.Name()} with V = {Vocab}, E = {Embed}, {Layers} layer(s) has {smallest.Parameters:N0} parameters even at hidden size 1, " +
                $"more than the target of {target:N0}: raise the parameter budget or lower the embedding width");
        // Parameters grow monotonically with H: binary search for the last H at or under the target, then pick the closer neighbour.
        int lo = 1, hi = 1;
        while ((this with { Hidden = hi * 2 }).Parameters <= target) hi *= 2;
        hi *= 2;
        while (hi - lo > 1)
        {
            int mid = lo + (hi - lo) / 2;
            if ((this with { Hidden = mid }).Parameters <= target) lo = mid; else hi = mid;
        }
        long below = target - (this with { Hidden = lo }).Parameters, above = (this with { Hidden = lo + 1 }).Parameters - target;
        return this with { Hidden = above < below ? lo + 1 : lo };
    }
}
