using System.Globalization;

namespace LlmLab.Planning;

/// <summary>
/// Formatting of byte counts in both decimal and binary units, never ambiguous: GB = 10^9 bytes (what model cards
/// and the ZeRO paper use), GiB = 2^30 bytes (what nvidia-smi's MiB and PyTorch's allocator use). Thread-safe.
/// </summary>
public static class ByteSize
{
    public const double BytesPerGB = 1e9;
    public const double BytesPerGiB = 1L << 30;

    /// <summary>bytes / 10^9.</summary>
    public static double Gb(long bytes) => bytes / BytesPerGB;

    /// <summary>bytes / 2^30.</summary>
    public static double Gib(long bytes) => bytes / BytesPerGiB;

    /// <summary>"13.48 GB", two decimals, decimal unit.</summary>
    public static string FormatGb(long bytes) => Gb(bytes).ToString("0.00", CultureInfo.InvariantCulture) + " GB";

    /// <summary>"12.55 GiB", two decimals, binary unit.</summary>
    public static string FormatGib(long bytes) => Gib(bytes).ToString("0.00", CultureInfo.InvariantCulture) + " GiB";

    /// <summary>"13.48 GB (12.55 GiB)".</summary>
    public static string Format(long bytes) => $"{FormatGb(bytes)} ({FormatGib(bytes)})";

    /// <summary>"13,476,831,232" with thousands separators.</summary>
    public static string FormatBytes(long bytes) => bytes.ToString("N0", CultureInfo.InvariantCulture);
}
