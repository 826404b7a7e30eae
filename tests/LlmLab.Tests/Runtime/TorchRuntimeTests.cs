using System.Text;
using LlmLab.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Tests.Runtime;

/// <summary>The native library loads in this test process (patched by the build where the system needs it) and the
/// kernels every later lab relies on run and give right answers.</summary>
public class TorchRuntimeTests
{
    public TorchRuntimeTests() => TorchRuntime.EnsureLoaded(1);

    [Fact]
    public void A_call_without_a_thread_count_keeps_the_count_chosen_before()
    {
        TorchRuntime.EnsureLoaded(1);
        TorchRuntime.EnsureLoaded();           // as library code does (optimizers, the matmul peak probe)
        Assert.Equal(1, get_num_threads());
    }

    [Fact]
    public void Matmul_matches_a_hand_computed_product()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        var b = tensor(new float[] { 5, 6, 7, 8 }, [2, 2]);
        Assert.Equal(new float[] { 19, 22, 43, 50 }, a.matmul(b).data<float>().ToArray());
    }

    [Fact]
    public void Sdpa_equals_softmax_attention_written_out()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var q = randn(2, 4, 8, 16); var k = randn(2, 4, 8, 16); var v = randn(2, 4, 8, 16); // (B, nh, T, hs)
        var fused = nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true);
        var mask = ones(8, 8).tril().eq(0);
        var att = q.matmul(k.transpose(-2, -1)).div(Math.Sqrt(16)).masked_fill(mask, double.NegativeInfinity).softmax(-1);
        Assert.True(fused.allclose(att.matmul(v), rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void Lstm_forward_and_backward_run()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        using var lstm = nn.LSTM(8, 16, numLayers: 2, batchFirst: true);
        var x = randn(3, 5, 8);
        var (y, h, c) = lstm.call(x);
        Assert.Equal(new long[] { 3, 5, 16 }, y.shape);
        y.sum().backward();
        Assert.All(lstm.parameters(), p => Assert.NotNull(p.grad));
    }

    [Fact]
    public void Seeding_makes_torch_and_our_streams_reproducible()
    {
        Seeding.SeedTorch(42);
        float a = randn(1).item<float>();
        Seeding.SeedTorch(42);
        Assert.Equal(a, randn(1).item<float>());
        Assert.Equal(Seeding.Stream(7, "split").Next(), Seeding.Stream(7, "split").Next());
        Assert.NotEqual(Seeding.DeriveSeed(7, "split"), Seeding.DeriveSeed(7, "init"));
    }

    [Fact]
    public void Unknown_device_is_a_clear_error()
    {
        var e = Assert.Throws<ArgumentException>(() => TorchRuntime.ResolveDevice("tpu"));
        Assert.Contains("cpu, cuda, cuda:N or auto", e.Message);
        Assert.Equal(DeviceType.CPU, TorchRuntime.ResolveDevice("cpu").type);
    }
}

/// <summary>The build-time compatibility patch: applied to the output copy only where the system needs it,
/// never to the NuGet cache.</summary>
public class NativeCompatPatchTests
{
    const string Symbol = "_ZSt21ios_base_library_initv";

    /// <summary>Whether the system's libstdc++ defines GLIBCXX_3.4.32; fails (rather than guesses) when none is found.</summary>
    static bool SystemHasGlibcxx3432()
    {
        foreach (string d in new[] { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64" })
        {
            string p = Path.Combine(d, "libstdc++.so.6");
            if (File.Exists(p)) return Count(File.ReadAllBytes(p), "GLIBCXX_3.4.32\0") > 0;
        }
        Assert.Fail("no libstdc++.so.6 in the usual library folders: cannot tell whether the patch was needed");
        return false;
    }

    /// <summary>The package's own copy of the bridge, from the NuGet package folders a restore may use.</summary>
    static string PackageCopy()
    {
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var roots = new[] { Environment.GetEnvironmentVariable("NUGET_PACKAGES"), Path.Combine(home, ".nuget", "packages"), "/opt/nuget/packages" };
        string tail = Path.Combine("torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        foreach (string? root in roots)
            if (root is not null && File.Exists(Path.Combine(root, tail))) return Path.Combine(root, tail);
        Assert.Fail($"the TorchSharp package's libLibTorchSharp.so was not found under {string.Join(", ", roots.Where(r => r is not null))} " +
                    "(set NUGET_PACKAGES to the restore's package folder)");
        return "";
    }

    static int Count(byte[] hay, string needle)
    {
        byte[] n = Encoding.ASCII.GetBytes(needle);
        int count = 0;
        for (int i = hay.AsSpan().IndexOf(n); i >= 0;)
        {
            count++;
            int next = hay.AsSpan(i + 1).IndexOf(n);
            i = next < 0 ? -1 : i + 1 + next;
        }
        return count;
    }

    [Fact]
    public void Output_copy_is_patched_only_when_needed_and_the_package_cache_is_untouched()
    {
        Assert.True(OperatingSystem.IsLinux(), "the compatibility patch exists for Linux x64, the platform LlmLab builds libtorch for");
        string output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(output), output);
        byte[] built = File.ReadAllBytes(output);
        byte[] original = File.ReadAllBytes(PackageCopy());
        Assert.Equal(original.Length, built.Length);
        int symbolsInCache = Count(original, Symbol + "\0");
        Assert.True(symbolsInCache > 0, "the package's library should still name the GCC 13 symbol");
        if (SystemHasGlibcxx3432()) Assert.Equal(original, built);                            // no-op on new systems
        else Assert.Equal(symbolsInCache - 1, Count(built, Symbol + "\0"));                   // exactly the .dynstr name rebound
        Assert.True(new FileInfo(output).Length > 1_000_000);
    }
}
