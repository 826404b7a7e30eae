namespace LlmLab.Labs.Framework;

/// <summary>Run size: smoke (seconds, what tests run), quick (default: about a minute on a 2-core CPU), full (the course's scale).</summary>
public enum Profile { Smoke, Quick, Full }

/// <summary>The course index's difficulty recap.</summary>
public enum Level { Beginner, Intermediate, Advanced }

/// <summary>The course index's three suggested learning paths.</summary>
public enum LearningPath { Research, Engineering, FullStack }

/// <summary>
/// One lab or exercise of the course index: identity, English and French titles, objective, skills, level,
/// the index's estimated duration, and the paths that include it.
/// </summary>
public sealed record LabInfo(
    string Id,
    int Part,
    string PartTitle,
    string Title,
    string TitleFr,
    string Objective,
    string ObjectiveFr,
    string Skills,
    Level Level,
    string Duration)
{
    /// <summary>A folder-friendly name, e.g. "1.3-resource-estimation".</summary>
    public string Slug => Id + "-" + new string(Title.ToLowerInvariant()
        .Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray()).Replace("--", "-").Trim('-');
}
