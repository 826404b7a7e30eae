using System.Globalization;
using System.Text.RegularExpressions;

namespace LlmLab.Training.Distributed;

/// <summary>
/// A checkpoint to resume, as the run that wrote it left it: one part per rank, all of one step (a data-parallel run
/// writes <c>DIR/rank-r/step-N/</c>), or a single part (a one-process run's <c>DIR/step-N/</c>). Which part a new rank
/// reads its trainer state from, and whether the weights and optimizer state must be resharded, is the
/// <see cref="Trainer"/>'s business. Immutable.
/// </summary>
/// <param name="Parts">Part r was written by rank r.</param>
public sealed record ShardedCheckpoint(IReadOnlyList<CheckpointInfo> Parts)
{
    static readonly Regex RankDirectory = new(@"^rank-(\d+)$", RegexOptions.CultureInvariant);

    /// <summary>N of the run that wrote it.</summary>
    public int WorldSize => Parts.Count;

    /// <summary>The step every part is at.</summary>
    public int Step => Parts[0].Step;

    /// <summary>The part whose trainer state (RNG, data position, metrics) rank <paramref name="rank"/> resumes from: its
    /// own when that rank existed, else rank 0's (every rank of a run holds the same data position and metrics).</summary>
    public CheckpointInfo PartFor(int rank) => Parts[rank < Parts.Count ? rank : 0];

    /// <summary>
    /// The checkpoint <paramref name="path"/> names: a run directory of a data-parallel run (its <c>rank-r</c>
    /// sub-directories, each at its newest checkpoint, which must be one step for all), a one-process run directory, or
    /// one step directory of a one-process run. When a directory holds both (a run resumed in place at another number of
    /// ranks), the newer step wins. Every part is verified (<see cref="Checkpoint.Load"/>).
    /// </summary>
    /// <exception cref="InputException">Nothing to resume there, ranks missing or at different steps, or one rank's part
    /// given alone; the message names the directory and what to give instead.</exception>
    public static ShardedCheckpoint Find(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (File.Exists(Path.Combine(path, Checkpoint.ManifestName))) return Single(Checkpoint.Load(path));
        if (!Directory.Exists(path))
            throw new InputException($"checkpoint '{path}' does not exist: give a run directory or one of its step-NNNNNNNN directories");
        var ranks = Directory.GetDirectories(path).Select(d => (Match: RankDirectory.Match(Path.GetFileName(d)), Dir: d))
            .Where(x => x.Match.Success).Select(x => (Rank: int.Parse(x.Match.Groups[1].Value, CultureInfo.InvariantCulture), x.Dir))
            // A rank directory without any step directory is a run at more ranks starting in place (its ranks create their
            // directories while others still look for the checkpoint): not a part.
            .Where(x => Checkpoint.List(x.Dir).Count > 0 || Checkpoint.Incomplete(x.Dir).Count > 0)
            .OrderBy(x => x.Rank).ToList();
        var plain = Checkpoint.List(path);
        if (ranks.Count == 0) return Single(Checkpoint.Resolve(path));
        for (int r = 0; r < ranks.Count; r++)
            if (ranks[r].Rank != r)
                throw new InputException($"'{path}' holds {string.Join(", ", ranks.Select(x => "rank-" + x.Rank))} but no rank-{r}: " +
                                         "a data-parallel checkpoint needs every rank's part");
        var parts = ranks.Select(x => Checkpoint.Resolve(x.Dir)).ToList();
        if (parts.FirstOrDefault(p => p.Step != parts[0].Step) is { } other)
            throw new InputException($"'{path}': rank-0's newest checkpoint is step {parts[0].Step} and " +
                                     $"{Path.GetFileName(Path.GetDirectoryName(other.Directory))}'s is step {other.Step} (a save was " +
                                     "interrupted): move the newer step directories away so every rank has the same newest step");
        if (plain.Count > 0 && plain[^1].Step > parts[0].Step) return Single(Checkpoint.Resolve(path));
        return new ShardedCheckpoint(parts);
    }

    /// <summary>A one-process checkpoint; one rank's part of a data-parallel one is refused (its siblings are needed).</summary>
    static ShardedCheckpoint Single(CheckpointInfo ckpt)
    {
        if (ckpt.Json[ShardLayout.Key] is not null && ShardLayout.Read(ckpt) is { WorldSize: > 1 } layout)
        {
            string run = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(ckpt.Directory))!)!;
            throw new InputException($"'{ckpt.Directory}' is rank {layout.Rank}'s part of a checkpoint written by " +
                                     $"{layout.WorldSize} ranks: " +
                                     $"resume from the run directory '{run}', which holds every rank's part");
        }
        return new ShardedCheckpoint([ckpt]);
    }
}
