using System.Diagnostics;
using System.Runtime.InteropServices;
using LlmLab.Runtime;

namespace LlmLab.Labs.Framework;

/// <summary>What a run records about where it ran: git commit, package versions, machine.</summary>
public static class RunEnvironment
{
    public static string GitCommit(string directory)
    {
        try
        {
            var psi = new ProcessStartInfo("git", "rev-parse --short=12 HEAD")
            {
                WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            using var p = Process.Start(psi)!;
            string s = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit(5000);
            if (p.ExitCode != 0 || s.Length == 0) return "unknown";
            psi.Arguments = "status --porcelain --untracked-files=no";
            using var d = Process.Start(psi)!;
            bool dirty = d.StandardOutput.ReadToEnd().Trim().Length > 0;
            d.WaitForExit(5000);
            return dirty ? s + "-dirty" : s;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return "unknown";
        }
    }

    public static Dictionary<string, string> Versions() => new()
    {
        ["llmlab"] = typeof(RunEnvironment).Assembly.GetName().Version?.ToString() ?? "?",
        ["dotnet"] = RuntimeInformation.FrameworkDescription,
        ["torch"] = TorchRuntime.Version,
        ["scottplot"] = typeof(ScottPlot.Plot).Assembly.GetName().Version?.ToString() ?? "?",
    };

    public static Dictionary<string, object> Machine() => new()
    {
        ["os"] = RuntimeInformation.OSDescription,
        ["arch"] = RuntimeInformation.OSArchitecture.ToString(),
        ["logical_cores"] = Environment.ProcessorCount,
        ["memory_bytes"] = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
        ["cpu"] = CpuModel(),
    };

    static string CpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
                foreach (string line in File.ReadLines("/proc/cpuinfo"))
                    if (line.StartsWith("model name", StringComparison.Ordinal)) return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
