using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LlmLab.Reporting;
using LlmLab.Runtime;
using LlmLab.Text;

namespace LlmLab.Labs.Framework;

/// <summary>How a <c>labs run</c> is made: profile, seed, threads, overrides, where runs go, which corpus.</summary>
public sealed record LabRunOptions(
    Profile Profile = Profile.Quick,
    long Seed = 1337,
    int? Threads = null,
    IReadOnlyList<KeyValuePair<string, string>>? Sets = null,
    string RunsRoot = "runs",
    string? CorpusPath = null,
    string? CorpusField = null);

/// <summary>The outcome of one lab run, as written to its result.json.</summary>
public sealed record LabRunResult(
    LabInfo Info, string Status, double Seconds, string Directory,
    IReadOnlyList<Check> Checks, IReadOnlyList<KeyValuePair<string, string>> Headlines, IReadOnlyList<string> Images, string? Error)
{
    public bool Passed => Status == "passed";
}

/// <summary>The outcome of one <c>labs run</c>: its directory, index page and every lab's result.</summary>
public sealed record RunSummary(string Directory, string IndexPath, IReadOnlyList<LabRunResult> Results)
{
    public bool AllPassed => Results.All(r => r.Passed);
}

/// <summary>
/// Runs labs into a fresh run directory (runs/&lt;yyyyMMdd-HHmmss&gt;/&lt;lab&gt;/): resolves and saves each lab's config,
/// runs it, writes report.md, report.html and result.json, then the run's index.html. Every configuration error is
/// raised before anything is written.
/// </summary>
public sealed class LabRunner(IProgressSink progress, TextWriter log)
{
    // What Interrupt needs, guarded by _gate: the run so far and the lab running now.
    readonly object _gate = new();
    readonly List<LabRunResult> _results = [];
    (ILab Lab, LabContext Context, string Directory, Stopwatch Clock)? _current;
    string? _runDirectory;
    IReadOnlyList<ILab> _labs = [];
    LabRunOptions? _options;
    bool _interrupted;

    public RunSummary Run(IReadOnlyList<ILab> labs, LabRunOptions options)
    {
        // 1. Validate everything first: overrides, threads, corpus, so bad input leaves nothing behind.
        var configs = ResolveConfigs(labs, options);
        int threads = options.Threads ?? TorchRuntime.DefaultThreads;
        if (threads < 1) throw new InputException($"--threads must be >= 1 (got {threads})");
        Func<IDocumentSource> corpus = options.CorpusPath is null
            ? () => Corpora.Open(null)
            : CorpusOpened(Corpora.Open(options.CorpusPath, options.CorpusField));
        foreach (string shortfall in PlanAll(labs, configs, options.Profile, options.Seed, corpus)) log.WriteLine("note: " + shortfall);
        TorchRuntime.EnsureLoaded(threads);

        // 2. A fresh run directory.
        string runDir = NewRunDirectory(options.RunsRoot);
        lock (_gate) (_runDirectory, _options, _labs) = (runDir, options, labs);
        string commit = RunEnvironment.GitCommit(Environment.CurrentDirectory);
        var versions = RunEnvironment.Versions();
        var machine = RunEnvironment.Machine();
        var results = _results;
        results.Clear();
        foreach (var (lab, config) in labs.Zip(configs))
        {
            string dir = Path.Combine(runDir, lab.Info.Slug);
            Directory.CreateDirectory(dir);
            AtomicFile.WriteAllText(Path.Combine(dir, "config.json"), JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["lab"] = lab.Info.Id, ["title"] = lab.Info.Title, ["profile"] = options.Profile.ToString().ToLowerInvariant(),
                ["seed"] = options.Seed, ["threads"] = threads, ["config"] = JsonSerializer.SerializeToNode(config, config.GetType(), ConfigOverrides.Json),
                ["corpus"] = options.CorpusPath ?? "sdk-docs (default)", ["git_commit"] = commit, ["versions"] = versions,
                ["machine"] = machine, ["started_utc"] = DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture),
            }, ConfigOverrides.Json));
            var result = RunOne(lab, config, options, threads, dir, corpus);
            lock (_gate) if (!_interrupted) results.Add(result);
        }

        // 3. The index page, with progress across every run under RunsRoot.
        string index = Path.Combine(runDir, "index.html");
        lock (_gate)
            if (!_interrupted) WriteIndex(runDir, options);
        return new RunSummary(runDir, index, results);
    }

    void WriteIndex(string runDir, LabRunOptions options) => AtomicFile.WriteAllText(Path.Combine(runDir, "index.html"),
        RunIndexPage.Render(Path.GetFileName(runDir), options, _results, RunIndexPage.PassedLabIds(options.RunsRoot)));

    /// <summary>
    /// Records an interruption (Ctrl-C), from any thread: the lab running now gets status "interrupted" in its
    /// result.json and report (with the checks it had made), the index page lists it after the labs that finished, and
    /// nothing more is written by this runner. The caller then ends the process. Returns what to tell the user.
    /// </summary>
    public string Interrupt()
    {
        lock (_gate)
        {
            if (_interrupted) return "already interrupted";
            _interrupted = true;
            if (_runDirectory is null || _options is null) return "nothing was written";
            string which = "between labs";
            if (_current is { } c)
            {
                double seconds = c.Clock.Elapsed.TotalSeconds;
                string error = $"interrupted (Ctrl-C) after {seconds:0.0} s; run it again with: llmlab labs run {c.Lab.Info.Id}";
                // The lab is still running on its thread: a report it changes under us is written again.
                for (int attempt = 0; ; attempt++)
                    try
                    {
                        var checks = c.Context.Checks.All.ToArray();
                        _results.Add(WriteResult(c.Lab, c.Context, _options, c.Directory, "interrupted", error, seconds, checks));
                        break;
                    }
                    catch (InvalidOperationException) when (attempt < 3) { }
                // A file the lab was writing at this moment stays a temporary (AtomicFile's ".NAME.PID.ID.tmp"): remove it.
                foreach (string tmp in Directory.GetFiles(c.Directory, $".*.{Environment.ProcessId}.*.tmp"))
                    try { File.Delete(tmp); } catch (IOException) { }
                which = $"lab {c.Lab.Info.Id} marked interrupted";
            }
            WriteIndex(_runDirectory, _options);
            var rest = _labs.Where(l => !_results.Any(r => r.Info.Id == l.Info.Id && r.Status != "interrupted"))
                .Select(l => l.Info.Id).ToList();
            return $"{which}; results so far in {Path.Combine(_runDirectory, "index.html")}" +
                   (rest.Count > 0 ? $"; to finish: llmlab labs run {string.Join(' ', rest)}" : "");
        }
    }

    static Func<IDocumentSource> CorpusOpened(IDocumentSource source) => () => source;

    internal static List<object> ResolveConfigs(IReadOnlyList<ILab> labs, LabRunOptions options)
    {
        var sets = options.Sets ?? [];
        var configs = labs.Select(l => l.DefaultConfig(options.Profile)).ToList();
        foreach (var (key, value) in sets)
        {
            // "id:key=value" targets one lab; "key=value" every selected lab that has the key (at least one must).
            int colon = key.IndexOf(':');
            string? target = colon > 0 ? LabCatalog.Get(key[..colon]).Id : null;
            string name = colon > 0 ? key[(colon + 1)..] : key;
            bool used = false;
            for (int i = 0; i < labs.Count; i++)
            {
                bool has = ConfigOverrides.Keys(configs[i].GetType()).Any(k => k.Key == name);
                if (target is not null && labs[i].Info.Id != target) continue;
                if (target is null && !has) continue;
                configs[i] = ConfigOverrides.Apply(configs[i], [new(name, value)], "lab " + labs[i].Info.Id);
                used = true;
            }
            if (!used)
            {
                string valid = string.Join("; ", labs.Select((l, i) => $"{l.Info.Id}: " +
                    string.Join(", ", ConfigOverrides.Keys(configs[i].GetType()).Select(k => k.Key))));
                throw new InputException(target is null
                    ? $"unknown --set key '{name}': no selected lab has it (valid keys — {valid})"
                    : $"--set {key}: lab {target} is not among the labs being run");
            }
        }
        for (int i = 0; i < labs.Count; i++)
        {
            try { labs[i].Validate(configs[i]); }
            catch (InputException e) { throw new InputException($"lab {labs[i].Info.Id}: {e.Message}", e); }
        }
        return configs;
    }

    /// <summary>Runs every lab's <see cref="ILab.Plan"/> on its resolved config: throws the first hard problem (prefixed by
    /// the lab's id), returns the shortfalls. Nothing is trained or written.</summary>
    public static IReadOnlyList<string> PlanAll(IReadOnlyList<ILab> labs, IReadOnlyList<object> configs, Profile profile, long seed,
        Func<IDocumentSource> corpus)
    {
        using var plan = new LabPlan(profile, seed, corpus);
        for (int i = 0; i < labs.Count; i++)
        {
            plan.LabId = labs[i].Info.Id;
            try { labs[i].Plan(plan, configs[i]); }
            catch (InputException e) { throw new InputException($"lab {labs[i].Info.Id}: {e.Message}", e); }
        }
        return plan.Shortfalls.ToList();
    }

    LabRunResult RunOne(ILab lab, object config, LabRunOptions options, int threads, string dir, Func<IDocumentSource> corpus)
    {
        log.WriteLine($"lab {lab.Info.Id} | {lab.Info.Title} | profile {options.Profile.ToString().ToLowerInvariant()} | {dir}");
        var sw = Stopwatch.StartNew();
        using var ctx = new LabContext(lab.Info, options.Profile, options.Seed, threads, dir, corpus, progress);
        lock (_gate) _current = (lab, ctx, dir, sw);
        string? error = null;
        try
        {
            Seeding.SeedTorch(options.Seed);
            using (var scope = TorchSharp.torch.NewDisposeScope()) lab.Run(ctx, config);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error = e is InputException ? e.Message : e.GetType().Name + ": " + e.Message;
            log.WriteLine($"lab {lab.Info.Id} | error | {error}");
            if (e is not InputException) log.WriteLine(e.StackTrace);
        }
        double seconds = sw.Elapsed.TotalSeconds;
        var checks = ctx.Checks.All;
        bool noneEvaluated = checks.All(c => c.Skipped);
        string status = error is not null ? "error" : noneEvaluated ? "failed" : ctx.Checks.AllPassed ? "passed" : "failed";
        if (error is null && noneEvaluated) error = checks.Count == 0 ? "the lab recorded no checks" : "every check was skipped";
        lock (_gate)
        {
            _current = null;
            if (_interrupted)
                return new LabRunResult(lab.Info, "interrupted", seconds, Path.GetFileName(dir), checks, [], [], "interrupted");
            var result = WriteResult(lab, ctx, options, dir, status, error, seconds, checks);
            foreach (var c in checks) log.WriteLine("  " + c);
            log.WriteLine($"lab {lab.Info.Id} | {status} | {seconds:0.0} s");
            return result;
        }
    }

    /// <summary>Writes a lab's report.md, report.html and result.json.</summary>
    static LabRunResult WriteResult(ILab lab, LabContext ctx, LabRunOptions options, string dir, string status, string? error,
        double seconds, IReadOnlyList<Check> checks)
    {
        int skipped = checks.Count(c => c.Skipped);
        string statusLine = $"Status: {status} — {checks.Count(c => c.Passed)}/{checks.Count} checks passed" +
                            (skipped > 0 ? $", {skipped} skipped (not evaluated: see the checks)" : "") + $" in {seconds:0.0} s " +
                            $"(profile {options.Profile.ToString().ToLowerInvariant()}, seed {options.Seed})" + (error is null ? "" : $". Error: {error}");
        AtomicFile.WriteAllText(Path.Combine(dir, "report.md"), ctx.Report.ToMarkdown(checks, statusLine));
        AtomicFile.WriteAllText(Path.Combine(dir, "report.html"), ctx.Report.ToHtml(checks, statusLine, status == "passed"));
        var result = new LabRunResult(lab.Info, status, Math.Round(seconds, 2), Path.GetFileName(dir), checks,
            ctx.Report.Headlines.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)).ToList(), ctx.Report.Images, error);
        AtomicFile.WriteAllText(Path.Combine(dir, "result.json"), JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["lab"] = lab.Info.Id, ["title"] = lab.Info.Title, ["status"] = status, ["seconds"] = result.Seconds,
            ["profile"] = options.Profile.ToString().ToLowerInvariant(), ["seed"] = options.Seed, ["error"] = error,
            ["headlines"] = result.Headlines.ToDictionary(h => h.Key, h => h.Value), ["images"] = result.Images,
            ["checks"] = checks.Select(c => new
            {
                name = c.Name, expected = c.Expected, measured = c.Measured, value = c.Value, passed = c.Passed,
                outcome = c.Outcome.ToString().ToLowerInvariant(), source = Check.SourceName(c.Source), basis = c.Basis,
            }),
        }, ConfigOverrides.Json));
        return result;
    }

    static string NewRunDirectory(string root)
    {
        string stamp = DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        string dir = Path.Combine(root, stamp);
        for (int i = 2; Directory.Exists(dir); i++) dir = Path.Combine(root, $"{stamp}-{i}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
