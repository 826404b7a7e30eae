namespace LlmLab.Monitoring.Drift;

/// <summary>One evaluation of a sliding window: the rows [End − window, End) of the stream and the verdict.</summary>
public sealed record WindowVerdict(int End, bool Drifted, double DriftedShare);

/// <summary>
/// What a sliding-window monitor did on a stream with a shift injected at a known row: how long after the onset it first
/// alarmed, and how often it alarmed before (false alarms). Immutable.
/// </summary>
/// <param name="Onset">The first shifted row.</param>
/// <param name="Window">Rows per window.</param>
/// <param name="Step">Rows between evaluations.</param>
/// <param name="Verdicts">Every evaluation, in order.</param>
/// <param name="DetectionDelay">Shifted rows seen when the first alarm after the onset rang (window end − onset); null if none
/// rang.</param>
/// <param name="FalseAlarms">Alarms from windows that end at or before the onset (no shifted row inside).</param>
/// <param name="CleanWindows">Windows that end at or before the onset.</param>
public sealed record ShiftDetection(int Onset, int Window, int Step, IReadOnlyList<WindowVerdict> Verdicts, int? DetectionDelay, int FalseAlarms,
    int CleanWindows)
{
    /// <summary>False alarms ÷ clean windows (NaN without clean windows).</summary>
    public double FalseAlarmRate => CleanWindows == 0 ? double.NaN : (double)FalseAlarms / CleanWindows;
}

/// <summary>
/// Runs <see cref="DriftDetector"/> over a sliding window of a stream against a fixed reference, as a live monitor would,
/// and measures detection delay and false-alarm rate against a known onset. Pure; thread-safe.
/// </summary>
public static class SlidingWindowDetector
{
    /// <summary>Evaluates windows of <paramref name="window"/> rows every <paramref name="step"/> rows.</summary>
    /// <exception cref="ArgumentException">A window larger than the stream, or an onset outside it.</exception>
    public static ShiftDetection Run(DriftTable reference, DriftTable stream, int onset, int window, int step, DriftOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        if (window > stream.Rows) throw new ArgumentException($"a window of {window} rows is longer than the stream ({stream.Rows})");
        if (onset < 0 || onset > stream.Rows) throw new ArgumentException($"onset {onset} is outside the stream (0..{stream.Rows})");
        var verdicts = new List<WindowVerdict>();
        for (int end = window; end <= stream.Rows; end += step)
        {
            var report = DriftDetector.Detect(reference, stream.Slice(end - window, window), options);
            verdicts.Add(new WindowVerdict(end, report.DatasetDrift, report.DriftedShare));
        }
        var clean = verdicts.Where(v => v.End <= onset).ToList();
        var firstAlarm = verdicts.FirstOrDefault(v => v.End > onset && v.Drifted);
        return new ShiftDetection(onset, window, step, verdicts, firstAlarm is null ? null : firstAlarm.End - onset,
            clean.Count(v => v.Drifted), clean.Count);
    }
}
