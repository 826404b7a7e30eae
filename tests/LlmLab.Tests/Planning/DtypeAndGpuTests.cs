using LlmLab.Planning;

namespace LlmLab.Tests.Planning;

public class DtypeAndGpuTests
{
    [Theory]
    [InlineData(Dtype.Fp32, 4.0)]
    [InlineData(Dtype.Bf16, 2.0)]
    [InlineData(Dtype.Fp16, 2.0)]
    [InlineData(Dtype.Int8, 8.5 / 8)] // llama.cpp Q8_0: 34 bytes per 32 weights
    [InlineData(Dtype.Int4, 4.5 / 8)] // llama.cpp Q4_0: 18 bytes per 32 weights
    public void Bytes_per_parameter_include_group_scales(Dtype d, double expected) =>
        Assert.Equal(expected, DtypeInfo.BytesPerParameter(d), 12);

    [Fact]
    public void Larger_groups_amortise_the_scale() =>
        Assert.Equal(0.5 + 2.0 / 128, DtypeInfo.BytesPerParameter(Dtype.Int4, groupSize: 128), 12);

    [Theory]
    [InlineData("bf16", Dtype.Bf16)]
    [InlineData("Float16", Dtype.Fp16)]
    [InlineData("q4_0", Dtype.Int4)]
    [InlineData(" FP32 ", Dtype.Fp32)]
    public void Parses_names(string s, Dtype d) => Assert.Equal(d, DtypeInfo.Parse(s));

    [Fact]
    public void Unknown_dtype_lists_the_valid_names()
    {
        var e = Assert.Throws<InputException>(() => DtypeInfo.Parse("fp8"));
        Assert.Contains("unknown dtype 'fp8'", e.Message);
        Assert.Contains("bf16", e.Message);
    }

    [Fact]
    public void Gpu_catalog_has_datasheet_capacities_and_loose_names()
    {
        Assert.Equal(80L << 30, GpuCatalog.Get("a100-80gb").MemoryBytes);
        Assert.Equal("H100 SXM 80GB", GpuCatalog.Get("h100").Name);
        Assert.Equal("RTX 4090 24GB", GpuCatalog.Get("4090").Name);
        Assert.Equal(3.35e12, GpuCatalog.Get("H100 SXM 80GB").MemoryBandwidthBytesPerSecond);
        Assert.Contains("ambiguous", Assert.Throws<InputException>(() => GpuCatalog.Get("a100")).Message);
        Assert.Contains("T4 16GB", Assert.Throws<InputException>(() => GpuCatalog.Get("tpu-v5")).Message);
        Assert.True(GpuCatalog.All.Count >= 8);
    }

    [Fact]
    public void Byte_sizes_print_both_units()
    {
        Assert.Equal("13.48 GB (12.55 GiB)", ByteSize.Format(13_476_831_232));
        Assert.Equal("1.07 GB", ByteSize.FormatGb(1_073_741_824));
        Assert.Equal("1.00 GiB", ByteSize.FormatGib(1_073_741_824));
    }
}
