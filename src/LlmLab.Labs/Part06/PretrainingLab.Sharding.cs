using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using LlmLab.Labs.Framework;
using LlmLab.Planning;
using LlmLab.Training.Distributed;

namespace LlmLab.Labs.Part06;

public sealed partial class PretrainingLab
{
    /// <summary>
    /// Section 6 — sharded data parallelism, the course's "with FSDP": the same small GPT trained at N ranks under DDP,
    /// ZeRO-1, ZeRO-2 and ZeRO-3 / FSDP FULL_SHARD (<see cref="ShardingProbe"/>), against one process at the same global batch. At quick and full
    /// the ranks are processes started by <c>mpirun</c> (running <c>llmlab bench shard</c>); at smoke they are threads of
    /// this process (the in-process back-end), which exercises the same algorithm in seconds.
    /// </summary>
    static void Sharding(LabContext ctx, PretrainingLabConfig cfg)
    {
        ctx.Report.Heading("Sharded training: DDP, ZeRO-1, ZeRO-2, ZeRO-3");
        var o = new ShardingProbe.Options(Steps: cfg.ShardingSteps, Seed: ctx.Seed);
        int n = cfg.ShardingRanks;
        ShardingReport report;
        string how;
        if (ctx.Profile == Profile.Smoke)
        {
            report = InProcessCollectives.Run(n, c => ShardingProbe.Compare(o, c, Stages), TimeSpan.FromMinutes(5))[0]!;
            how = $"{n} ranks as threads of this process (the in-process back-end, smoke profile)";
        }
        else
        {
            if (!File.Exists("/usr/bin/mpirun") || !MpiCollectives.LibraryAvailable)
            {
                ctx.Checks.Peer("one process at the same global batch").Unavailable("sharded training runs under mpirun",
                    "mpirun and libmpi.so.40",
                    $"OpenMPI is not installed: install {MpiCollectives.Package}, or run at --profile smoke (in-process ranks)");
                return;
            }
            var (result, error) = LaunchMpi(ctx, o, n);
            if (result is null)
            {
                ctx.Checks.Peer("one process at the same global batch").Unavailable("sharded training runs under mpirun", "exit 0", error!);
                return;
            }
            report = result;
            how = $"{n} MPI processes started by `mpirun -np {n} --oversubscribe llmlab bench shard` (OpenMPI over shared memory)";
        }
        ShardingSection.Report(ctx, report, how);
    }

    static readonly ZeroStage[] Stages = [ZeroStage.None, ZeroStage.OptimizerStates, ZeroStage.Gradients, ZeroStage.Parameters];

    /// <summary>Runs <c>mpirun -np N dotnet exec llmlab bench shard --json F</c> and reads F; (null, why) when it fails.</summary>
    static (ShardingReport? Report, string? Error) LaunchMpi(LabContext ctx, ShardingProbe.Options o, int n)
    {
        // The built CLI, not `dotnet run` (N ranks would build at once); labs run from it.
        string? cli = Assembly.GetEntryAssembly()?.Location;
        if (cli is null || Path.GetFileNameWithoutExtension(cli) != "LlmLab.Cli")
            return (null, $"the MPI ranks run the llmlab command, but this process is {Path.GetFileName(cli) ?? "unknown"}: run the lab from llmlab");
        string json = Path.Combine(ctx.Directory, "sharding.json");
        var start = new ProcessStartInfo("mpirun") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var args = new List<string> { "-np", n.ToString(System.Globalization.CultureInfo.InvariantCulture), "--oversubscribe" };
        if (Environment.UserName == "root") args.Add("--allow-run-as-root"); // containers and CI run as root; OpenMPI refuses it unasked
        args.AddRange(["dotnet", "exec", cli, "bench", "shard", "--stages", string.Join(',', Stages.Select(ShardedDataParallel.StageName)),
            "--steps", o.Steps.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--json", json]);
        foreach (string a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            p.Kill(entireProcessTree: true);
            return (null, "mpirun did not finish within 10 minutes");
        }
        string output = stdout.Result + stderr.Result; // the table is drawn from the JSON, not from this text
        if (p.ExitCode != 0 || !File.Exists(json))
            return (null, $"mpirun exited {p.ExitCode}: {output.Trim().Split('\n').LastOrDefault()}");
        return (JsonSerializer.Deserialize<ShardingReport>(File.ReadAllText(json)), null);
    }
}
