using System.Globalization;
using System.Text.Json;
using LlmLab.Runtime;
using LlmLab.Training.Distributed;

namespace LlmLab.Cli.Commands;

/// <summary>
/// <c>llmlab bench shard</c>: data parallelism measured — per stage (DDP, ZeRO-1, ZeRO-2, ZeRO-3), the model states one
/// rank holds against lab 1.3's estimator (and ZeRO-3's transiently gathered units), the bytes it sends per step against
/// the ZeRO paper's 2Ψ (3Ψ for ZeRO-3, less the root unit), step time with the time
/// inside collectives broken out, and the largest loss difference from one process at the same global batch. Run it
/// under <c>mpirun -np N</c> (ranks are processes; rank and world size from MPI) or with <c>--ranks N</c> (ranks are
/// threads of this process).
/// </summary>
public sealed class BenchShardCommand : CliCommand
{
    public override string Name => "bench shard";
    public override string Summary => "DDP / ZeRO-1/2/3 at N ranks (mpirun, or --ranks N threads): memory per rank, bytes per step, step time";
    public override string Usage => "[--stages ddp,zero1,zero2,zero3] [--ranks N] [--steps 12] [--width 64] [--layers 2] [--batch 4] [--json FILE]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "stages", "ranks", "steps", "width", "layers", "batch", "json" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "no argument");
        var stages = (args.Get("stages") ?? "ddp,zero1,zero2,zero3").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => ShardedDataParallel.ParseStage(s, "--stages")).ToList();
        if (stages.Count == 0) throw new InputException("--stages is empty: give ddp, zero1, zero2 and/or zero3");
        int width = args.GetInt("width", 64, min: 8, max: 4096), layers = args.GetInt("layers", 2, min: 1, max: 96);
        var o = new ShardingProbe.Options(Width: width, Layers: layers, Heads: Math.Max(1, width / 16), RankBatch: args.GetInt("batch",
            4, min: 1, max: 4096),
            Steps: args.GetInt("steps", 12, min: 2, max: 1_000_000));
        string? json = args.Get("json");
        if (json is not null) OutputPaths.File(json, "--json");
        int? asked = args.Get("ranks") is null ? null : args.GetInt("ranks", 1, min: 1, max: 64);
        TorchRuntime.EnsureLoaded(1); // one intra-op thread per rank: the ranks share the cores

        ShardingReport? report;
        if (MpiCollectives.InMpiJob)
        {
            using var mpi = MpiCollectives.Initialize();
            if (asked is { } n && n != mpi.WorldSize)
                throw new InputException($"--ranks {n} but mpirun started {mpi.WorldSize} ranks: leave --ranks out under mpirun");
            report = ShardingProbe.Compare(o, mpi, stages);
        }
        else
        {
            report = InProcessCollectives.Run(asked ?? 1, c => ShardingProbe.Compare(o, c, stages), TimeSpan.FromMinutes(10))[0];
        }
        if (report is null) return 0; // ranks > 0: rank 0 reports
        Print(report, @out, MpiCollectives.InMpiJob ? "MPI processes" : "in-process threads");
        if (json is not null) AtomicFile.WriteAllText(json, JsonSerializer.Serialize(report,
            new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return 0;
    }

    static void Print(ShardingReport r, TextWriter @out, string kind)
    {
        var c = CultureInfo.InvariantCulture;
        var ref0 = r.Reference;
        @out.WriteLine(string.Format(c,
            "GPT {0} wide × {1} layers, Ψ = {2:N0} parameters; {3} steps at {4} rank(s) ({5}), {6} sequences × {7} tokens per rank",
            r.Options.Width, r.Options.Layers, ref0.Parameters, r.Options.Steps,
                ref0.Ranks == 1 && r.Stages.Count > 0 ? r.Stages[0].Ranks : ref0.Ranks,
            kind, r.Options.RankBatch, r.Options.Context));
        @out.WriteLine(string.Format(c, "one process at the same global batch: {0:0.0} ms/step, {1:N0} tok/s", ref0.MedianStepMs,
            ref0.TokensPerSecond));
        @out.WriteLine($"{"stage",-6} {"states/rank KB",15} {"predicted KB",13} {"shard copy KB",14} {"gathered KB",12} {"optimizer KB",13} " +
                       $"{"sent/step (Ψ)",14} {"paper (Ψ)",10} {"ms/step",8} {"comm ms",8} {"tok/s",8} {"max |Δloss|",12}");
        foreach (var m in r.Stages)
        {
            double psiBytes = m.Parameters * 4.0;
            @out.WriteLine(string.Format(c,
                "{0,-6} {1,15:N1} {2,13:N1} {10,14:N1} {11,12:N1} {3,13:N1} {4,14:0.000} {9,10:0.000} {5,8:0.0} {6,8:0.0} " +
                "{7,8:N0} {8,12:0.0E+0}",
                m.Stage, m.State!.Total / 1024.0, m.Predicted.TotalBytes / 1024.0, m.State.OptimizerState / 1024.0,
                    m.SentBytesPerStep / psiBytes,
                m.MedianStepMs, m.CommMsPerStep, m.TokensPerSecond, r.MaxLossDelta(m), m.ExpectedSentBytes() / psiBytes,
                    m.State.ShardCopies / 1024.0,
                m.State.Gathered / 1024.0));
        }
    }
}
