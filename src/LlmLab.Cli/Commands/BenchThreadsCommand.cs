using System.Globalization;
using LlmLab.Runtime;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab bench threads</c>: matmul time at 1, 2, … intra-op threads, to choose the default.</summary>
public sealed class BenchThreadsCommand : CliCommand
{
    public override string Name => "bench threads";
    public override string Summary => "time fp32 matmuls and a small MLP training step at several libtorch thread counts (min/median, ratio to 1 thread)";
    public override string Usage => "[--sizes 64,256,1024,2048] [--threads 1,2] [--repeats 7]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "sizes", "threads", "repeats" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "no argument");
        var sizes = Ints(args.Get("sizes") ?? "64,256,1024,2048", "sizes");
        var threads = Ints(args.Get("threads") ?? string.Join(",", Enumerable.Range(1, Environment.ProcessorCount)), "threads");
        int repeats = args.GetInt("repeats", 7, min: 1, max: 1000);
        @out.WriteLine($"machine: {Environment.ProcessorCount} logical cores; default threads = {TorchRuntime.DefaultThreads}");
        var t = ThreadBenchmark.Run(sizes, threads, repeats, includeMlpStep: true, log: @out.WriteLine);
        @out.WriteLine();
        @out.WriteLine($"{"workload",-24} {"threads",8} {"min ms",10} {"median ms",10} {"GFLOP/s",9} {"speed-up vs 1 (min)",20}");
        foreach (var row in t)
        {
            var one = t.First(x => x.Workload == row.Workload && x.Threads == threads[0]);
            @out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{row.Workload,-24} {row.Threads,8} {row.MinSeconds * 1e3,10:0.000} {row.MedianSeconds * 1e3,10:0.000} {row.Gflops,9:0.0} {one.MinSeconds / row.MinSeconds,20:0.00}x"));
        }
        return 0;
    }

    static List<int> Ints(string s, string name)
    {
        var list = new List<int>();
        foreach (string p in s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            list.Add(int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0 ? v
                : throw new InputException($"--{name} must be a comma-separated list of positive integers (got '{s}')"));
        return list.Count > 0 ? list : throw new InputException($"--{name} is empty");
    }
}
