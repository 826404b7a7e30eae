using System.Diagnostics;
using System.Text.Json;
using LlmLab.Tests.Text;

namespace LlmLab.Tests.Interop;

/// <summary>
/// llama.cpp (LLamaSharp 0.30, the peer) loads our f32 GGUF exports and computes the logits ours does. The peer runs in
/// its own process, bench/LlamaCppPeer (built with the solution), so its native builds stay out of this test project.
/// Tolerances: llama architecture, 1e-4 (fp32 on both sides, only the summation order differs); gpt2 architecture,
/// 5e-3: the bench's gpt2 model uses the tanh GELU as llama.cpp does, but llama.cpp reads it from an fp16 table (ggml's
/// <c>ggml_vec_gelu_f32</c> under <c>GGML_GELU_FP16</c>), so activations differ by up to an fp16 step (6.3e-4 measured on
/// the logits; 3.5e-4 with our <c>--activations gelu_fp16</c> emulation of the table, on a loaded machine).
/// </summary>
public sealed class LlamaCppPeerTests
{
    [Fact]
    public async Task Llama_cpp_runs_our_gguf_with_the_same_logits_tokens_and_perplexity()
    {
        string dll = PeerDll();
        using var dir = new TempDir();
        string json = Path.Combine(dir.Path, "peer.json");
        var psi = new ProcessStartInfo("dotnet", [dll, "--models", "small,llama", "--types", "f32", "--windows", "1", "--window", "64",
            "--decode", "8", "--repeats", "1", "--work", dir.Path, "--json", json])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = await p.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await p.WaitForExitAsync(timeout.Token);
        Assert.True(p.ExitCode == 0, $"the peer exited {p.ExitCode}: {stdout} {await stderr}");
        var rows = JsonDocument.Parse(File.ReadAllText(json)).RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("model").GetString()!);
        foreach (var (model, tolerance) in new[] { ("llama", 1e-4), ("small", 5e-3) })
        {
            var r = rows[model];
            double diff = r.GetProperty("max_abs_logit_diff").GetDouble();
            Assert.True(diff <= tolerance, $"{model}: max |Δlogit| = {diff} > {tolerance}");
            Assert.Equal(r.GetProperty("greedy_checked").GetInt32(), r.GetProperty("greedy_equal").GetInt32());
            Assert.Equal(r.GetProperty("tokenizer_lines").GetInt32(), r.GetProperty("tokenizer_lines_equal").GetInt32());
            double ours = r.GetProperty("ppl_ours").GetDouble(), theirs = r.GetProperty("ppl_llama_cpp").GetDouble();
            Assert.True(Math.Abs(ours / theirs - 1) <= 1e-3, $"{model}: perplexity {ours} vs llama.cpp's {theirs}");
        }
    }

    /// <summary>bench/LlamaCppPeer's dll in this test's configuration, or a failure that says how to build it.</summary>
    static string PeerDll()
    {
        string here = AppContext.BaseDirectory; // …/tests/LlmLab.Tests/bin/<Configuration>/net10.0/
        string configuration = new DirectoryInfo(here).Parent!.Name;
        var root = new DirectoryInfo(here);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "LlmLab.slnx"))) root = root.Parent;
        Assert.True(root is not null, $"no LlmLab.slnx above {here}");
        string dll = Path.Combine(root!.FullName, "bench", "LlamaCppPeer", "bin", configuration, "net10.0", "LlamaCppPeer.dll");
        Assert.True(File.Exists(dll), $"{dll} is not built: run 'dotnet build bench/LlamaCppPeer -c {configuration}' (dotnet " +
            $"test on the solution builds it)");
        return dll;
    }
}
