namespace LlmLab.Tests.Training;

/// <summary>
/// Tests that seed and draw from libtorch's global generator (model initialisation, dropout) and compare runs bit for
/// bit: xunit runs them alone, after the parallel ones, so no other test draws from that generator meanwhile.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TrainerCollection
{
    public const string Name = "Training: libtorch's global generator, alone";
}
