using System.Text.Json.Nodes;

namespace LlmLab.Labs.Part10;

/// <summary>
/// The SciPy goldens of the drift statistics (<c>Part10/Goldens/scipy-drift.json</c>, embedded), written by
/// <c>bench/scipy/drift_goldens.py</c> with Debian's SciPy 1.10: inputs from seeded NumPy generators and SciPy's
/// <c>ks_2samp</c>, <c>chisquare</c>, <c>norm.sf</c>, <c>wasserstein_distance</c>, <c>jensenshannon</c>,
/// <c>chi2.sf</c>, <c>kolmogorov</c>, NumPy's histogram, a NumPy MMD² and <c>mannwhitneyu</c>. Read by lab 10.2 and the tests.
/// </summary>
public sealed class ScipyDriftGoldens
{
    const string Resource = "LlmLab.Labs.Part10.scipy-drift.json";
    static readonly Lazy<ScipyDriftGoldens> Loaded = new(() =>
    {
        using var s = typeof(ScipyDriftGoldens).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"embedded resource '{Resource}' is missing: rebuild LlmLab.Labs (bench/scipy/drift_goldens.py writes it)");
        return new ScipyDriftGoldens((JsonObject)JsonNode.Parse(s)!);
    });

    ScipyDriftGoldens(JsonObject root) => Root = root;

    /// <summary>The goldens, loaded once.</summary>
    public static ScipyDriftGoldens Instance => Loaded.Value;

    /// <summary>The whole document.</summary>
    public JsonObject Root { get; }

    /// <summary>SciPy's version that wrote them.</summary>
    public string ScipyVersion => (string)Root["scipy"]!;

    /// <summary>The cases of one section (e.g. "ks_2samp").</summary>
    public IEnumerable<JsonObject> Cases(string section) => ((JsonArray)Root[section]!).Select(n => (JsonObject)n!);

    /// <summary>A number array field.</summary>
    public static double[] Numbers(JsonObject o, string field) => ((JsonArray)o[field]!).Select(v => (double)v!).ToArray();

    /// <summary>A matrix field as float rows.</summary>
    public static float[][] Rows(JsonObject o, string field) =>
        ((JsonArray)o[field]!).Select(r => ((JsonArray)r!).Select(v => (float)(double)v!).ToArray()).ToArray();

    /// <summary>|a − b| ≤ abs + rel·|b| (NaN never passes).</summary>
    public static bool Close(double a, double b, double rel, double abs = 0) => Math.Abs(a - b) <= abs + rel * Math.Abs(b);
}
