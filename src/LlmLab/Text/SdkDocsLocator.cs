using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace LlmLab.Text;

/// <summary>
/// Finds the .NET SDK's XML API reference: the <c>packs/&lt;pack&gt;/&lt;version&gt;/ref/net&lt;N&gt;/*.xml</c> files
/// under the dotnet root (e.g. /usr/share/dotnet/packs/Microsoft.NETCore.App.Ref/10.0.12/ref/net10.0/System.Runtime.xml).
/// </summary>
public static partial class SdkDocsLocator
{
    /// <summary>
    /// The dotnet root, tried in order: the running runtime's install (…/shared/Microsoft.NETCore.App/&lt;ver&gt;/, three
    /// levels up), DOTNET_ROOT, then the <c>dotnet</c> on PATH with its symlinks resolved. The first one that has a
    /// <c>packs</c> folder wins; null when none has.
    /// </summary>
    public static string? FindDotnetRoot()
    {
        foreach (string? candidate in Candidates())
            if (candidate is not null && Directory.Exists(Path.Combine(candidate, "packs"))) return Path.GetFullPath(candidate);
        return null;
    }

    static IEnumerable<string?> Candidates()
    {
        string runtimeDir = Path.TrimEndingDirectorySeparator(RuntimeEnvironment.GetRuntimeDirectory());
        yield return Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(runtimeDir)));
        yield return Environment.GetEnvironmentVariable("DOTNET_ROOT");
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string exe = Path.Combine(dir, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
            if (!File.Exists(exe)) continue;
            string? resolved = null;
            try { resolved = File.ResolveLinkTarget(exe, returnFinalTarget: true)?.FullName; } catch (IOException) { }
            yield return Path.GetDirectoryName(resolved ?? exe);
        }
    }

    /// <summary>
    /// The XML files to read, sorted ordinally by assembly name, one per assembly. Only the newest version of each pack
    /// and its newest <c>net&lt;N&gt;</c> folder are taken: older versions would repeat nearly every member. Where several
    /// packs ship the same assembly's file (the ASP.NET Core pack may carry copies of the base ones), the file of
    /// Microsoft.NETCore.App.Ref wins, then the first pack in ordinal order.
    /// </summary>
    /// <param name="dotnetRoot">The dotnet root; null to find it with <see cref="FindDotnetRoot"/>.</param>
    /// <exception cref="InputException">No reference XML is found.</exception>
    public static IReadOnlyList<string> FindXmlFiles(string? dotnetRoot = null)
    {
        string? root = dotnetRoot ?? FindDotnetRoot();
        string packs = root is null ? "" : Path.Combine(root, "packs");
        var byAssembly = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (Directory.Exists(packs))
        {
            var packDirs = Directory.GetDirectories(packs)
                .OrderBy(p => Path.GetFileName(p) == "Microsoft.NETCore.App.Ref" ? 0 : 1).ThenBy(p => p, StringComparer.Ordinal);
            foreach (string pack in packDirs)
            {
                string? refDir = NewestTfm(NewestVersion(pack));
                if (refDir is null) continue;
                foreach (string xml in Directory.GetFiles(refDir, "*.xml"))
                    byAssembly.TryAdd(Path.GetFileNameWithoutExtension(xml), xml);
            }
        }
        if (byAssembly.Count == 0)
            throw new InputException("no .NET SDK reference docs found (looked for " +
                $"{(root is null ? "a dotnet root with a packs folder" : $"'{packs}/*/*/ref/net*/*.xml'")}); " +
                "set DOTNET_ROOT to an SDK install with targeting packs, or give a corpus path");
        return byAssembly.Values.ToList();
    }

    // Versions like "10.0.12" or "10.0.0-rc.1.25451.107": numeric part first, and a release beats its previews.
    static string? NewestVersion(string packDir) => Directory.GetDirectories(packDir)
        .Select(d => (Dir: d, Name: Path.GetFileName(d)))
        .Select(d => (d.Dir, Ok: Version.TryParse(d.Name.Split('-')[0], out var v), V: v, Release: !d.Name.Contains('-'), d.Name))
        .Where(d => d.Ok)
        .OrderByDescending(d => d.V).ThenByDescending(d => d.Release).ThenByDescending(d => d.Name, StringComparer.Ordinal)
        .Select(d => d.Dir).FirstOrDefault();

    // ref/net10.0, ref/net9.0 …: the highest; netstandard*/netcoreapp* folders (other packs) are not "net<N>.<M>".
    static string? NewestTfm(string? versionDir)
    {
        string? refDir = versionDir is null ? null : Path.Combine(versionDir, "ref");
        if (refDir is null || !Directory.Exists(refDir)) return null;
        return Directory.GetDirectories(refDir)
            .Select(d => (Dir: d, M: TfmPattern().Match(Path.GetFileName(d))))
            .Where(d => d.M.Success)
            .OrderByDescending(d => Version.Parse(d.M.Groups[1].Value))
            .Select(d => d.Dir).FirstOrDefault();
    }

    [GeneratedRegex(@"^net(\d+\.\d+)$")]
    private static partial Regex TfmPattern();
}
