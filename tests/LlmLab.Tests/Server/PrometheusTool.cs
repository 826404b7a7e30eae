using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LlmLab.Tests.Server;

/// <summary>Runs Prometheus' own tools (Debian package <c>prometheus</c>); a clear failure when they are missing.</summary>
internal static class PrometheusTool
{
    public static string Require(string name)
    {
        foreach (var dir in new[] { "/usr/bin", "/usr/local/bin" }.Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')))
        {
            string path = Path.Combine(dir, name);
            if (File.Exists(path)) return path;
        }
        Assert.Fail($"'{name}' was not found: install the Debian/Ubuntu package 'prometheus' (apt-get install -y prometheus), which provides prometheus and promtool");
        return "";
    }

    /// <summary>Runs promtool with <paramref name="args"/> (and stdin); returns exit code and output.</summary>
    public static (int Code, string Output) Promtool(string[] args, string? stdin = null)
    {
        var psi = new ProcessStartInfo(Require("promtool")) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        if (stdin is not null) { p.StandardInput.Write(stdin); p.StandardInput.Close(); }
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output + err.Result);
    }

    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public static string RepoFile(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LlmLab.slnx"))) dir = dir.Parent;
        Assert.NotNull(dir);
        return Path.Combine([dir.FullName, .. parts]);
    }
}
