using LlmLab.Reporting;
using LlmLab.Runtime;
using LlmLab.Text;

namespace LlmLab.Labs.Framework;

/// <summary>
/// What a running lab is given: its profile and seed, its run directory, the corpus, progress, and the writers
/// for checks, report, metrics and plots. One context per lab run; not thread-safe except <see cref="Metrics"/>
/// and <see cref="Progress"/>.
/// </summary>
public sealed class LabContext : IDisposable
{
    readonly Lazy<IDocumentSource> _corpus;
    readonly Lazy<MetricsLog> _metrics;

    public LabContext(LabInfo info, Profile profile, long seed, int threads, string directory,
                      Func<IDocumentSource> corpus, IProgressSink progress)
    {
        Info = info;
        Profile = profile;
        Seed = seed;
        Threads = threads;
        Directory = directory;
        Progress = progress;
        Report = new Report($"Lab {info.Id} — {info.Title}");
        _corpus = new Lazy<IDocumentSource>(corpus);
        _metrics = new Lazy<MetricsLog>(() => new MetricsLog(Path.Combine(directory, "metrics.jsonl")));
    }

    public LabInfo Info { get; }
    public Profile Profile { get; }
    public long Seed { get; }
    /// <summary>Intra-op threads libtorch was set to for this run.</summary>
    public int Threads { get; }
    /// <summary>The lab's run directory (created, empty apart from config.json).</summary>
    public string Directory { get; }
    public IProgressSink Progress { get; }
    public CheckList Checks { get; } = new();
    public Report Report { get; }
    /// <summary>The corpus selected for the run (the default SDK-docs corpus unless --corpus was given); opened on first use.</summary>
    public IDocumentSource Corpus => _corpus.Value;
    /// <summary>metrics.jsonl of the run; created on first use.</summary>
    public MetricsLog Metrics => _metrics.Value;

    /// <summary>A deterministic random stream for one purpose, derived from the run's seed.</summary>
    public Random Rng(string purpose) => Seeding.Stream(Seed, purpose);

    /// <summary>Saves <paramref name="plot"/> as <c>{name}.png</c> in the run directory and shows it in the report.</summary>
    public void Plot(string name, ScottPlot.Plot plot, string caption, int width = 800, int height = 500)
    {
        string file = name + ".png";
        PlotFile.SavePng(plot, Path.Combine(Directory, file), width, height);
        Report.Image(file, caption);
    }

    public void Dispose()
    {
        if (_metrics.IsValueCreated) _metrics.Value.Dispose();
    }
}
