using LlmLab.Labs.Part01;
using LlmLab.Labs.Part02;
using LlmLab.Labs.Part03;
using LlmLab.Labs.Part04;
using LlmLab.Labs.Part05;
using LlmLab.Labs.Part06;
using LlmLab.Labs.Part07;
using LlmLab.Labs.Part09;

namespace LlmLab.Labs.Framework;

/// <summary>Which labs of the catalogue are implemented, and how to make each. A lab not listed here is shown as
/// "not yet implemented" and cannot be run.</summary>
public static class LabRegistry
{
    static readonly Dictionary<string, Func<ILab>> Factories = new()
    {
        ["1.1"] = () => new UseCaseLab(),
        ["1.2"] = () => new PromptLab(),
        ["1.3"] = () => new ResourceEstimationLab(),
        ["2.1"] = () => new CrossEntropyLab(),
        ["2.2"] = () => new LossLandscapeLab(),
        ["2.3"] = () => new OptimizerComparisonLab(),
        ["3.1"] = () => new CharLmLab(),
        ["3.2"] = () => new SubwordLmLab(),
        ["4.1"] = () => new MinimalTransformerLab(),
        ["4.2"] = () => new DenseVsMoeLab(),
        ["4.3"] = () => new FlashAttentionLab(),
        ["5.1"] = () => new DedupLab(),
        ["5.2"] = () => new CorpusAnalysisLab(),
        ["5.3"] = () => new MixtureShardingLab(),
        ["6"] = () => new PretrainingLab(),
        ["7.1"] = () => new SftLab(),
        ["7.2"] = () => new DpoPpoLab(),
        ["7.3"] = () => new RefusalLab(),
        ["8.1"] = () => new LlmLab.Labs.Part08.RagLab(),
        ["8.2"] = () => new LlmLab.Labs.Part08.AgentLab(),
        ["8.3"] = () => new LlmLab.Labs.Part08.MemoryLab(),
        ["9.1"] = () => new ServingBenchmarkLab(),
        ["9.2"] = () => new SpeculativeDecodingLab(),
        ["9.3"] = () => new QuantizationLab(),
        ["10.1"] = () => new LlmLab.Labs.Part10.ServingMonitoringLab(),
        ["10.2"] = () => new LlmLab.Labs.Part10.DriftDetectionLab(),
        ["10.3"] = () => new LlmLab.Labs.Part10.CostCascadeLab(),
    };

    public static bool IsImplemented(string id) => Factories.ContainsKey(id);

    public static ILab Create(string id)
    {
        LabInfo info = LabCatalog.Get(id);
        return Factories.TryGetValue(info.Id, out var make) ? make()
            : throw new InputException($"lab {info.Id} ({info.Title}) is not implemented yet; 'llmlab labs list' shows which labs are");
    }

    /// <summary>Resolves ids, "all" (every implemented lab) and a path (its implemented labs, in the path's order).</summary>
    public static IReadOnlyList<ILab> Select(IReadOnlyList<string> ids, LearningPath? path)
    {
        var selected = new List<string>();
        if (path is { } p) selected.AddRange(LabCatalog.PathLabs(p).Where(IsImplemented));
        foreach (string id in ids)
        {
            if (id.Equals("all", StringComparison.OrdinalIgnoreCase)) selected.AddRange(LabCatalog.All.Select(l => l.Id).Where(IsImplemented));
            else selected.Add(LabCatalog.Get(id).Id);
        }
        if (selected.Count == 0)
            throw new InputException("no lab selected: give lab ids (e.g. 'labs run 1.3'), 'all', or --path research|engineering|fullstack");
        return selected.Distinct().Select(Create).ToList();
    }
}
