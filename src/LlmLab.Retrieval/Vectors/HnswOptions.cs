namespace LlmLab.Retrieval.Vectors;

/// <summary>HNSW parameters (Malkov &amp; Yashunin 2018, "Efficient and robust approximate nearest neighbor search using
/// Hierarchical Navigable Small World graphs").</summary>
/// <param name="M">Links per node above layer 0 (layer 0 keeps 2·M, the paper's M_max0); 16 is hnswlib's and USearch's default.</param>
/// <param name="EfConstruction">Candidate list while inserting; larger builds a better graph, slower. 200 follows hnswlib's
/// examples.</param>
/// <param name="EfSearch">Candidate list while searching (at least k is used); the recall/speed knob.</param>
/// <param name="Seed">Seeds the level draw, so a build is reproducible.</param>
public sealed record HnswOptions(int M = 16, int EfConstruction = 200, int EfSearch = 64, int Seed = 42)
{
    /// <summary>Rejects parameters the algorithm cannot use.</summary>
    public void Validate()
    {
        if (M < 2) throw new ArgumentOutOfRangeException(nameof(M), M, "M must be ≥ 2");
        if (EfConstruction < 1) throw new ArgumentOutOfRangeException(nameof(EfConstruction), EfConstruction,
            "ef_construction must be ≥ 1");
        if (EfSearch < 1) throw new ArgumentOutOfRangeException(nameof(EfSearch), EfSearch, "ef_search must be ≥ 1");
    }
}
