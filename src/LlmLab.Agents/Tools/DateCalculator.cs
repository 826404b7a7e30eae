using System.Globalization;

namespace LlmLab.Agents.Tools;

/// <summary>
/// The date/time tools' arithmetic on ISO dates (yyyy-MM-dd, proleptic Gregorian calendar) and the current time from a
/// <see cref="TimeProvider"/> (so tests and the lab fix "now"). Time zones are IANA ids (Europe/Paris) read from the
/// system's tz database. Thread-safe (immutable).
/// </summary>
public sealed class DateCalculator(TimeProvider clock)
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The clock "now" is read from.</summary>
    public TimeProvider Clock { get; } = clock ?? throw new ArgumentNullException(nameof(clock));

    /// <summary>Now in <paramref name="timeZone"/> (null or empty: UTC), as "yyyy-MM-dd HH:mm (zone, UTC±hh:mm)".</summary>
    /// <exception cref="InputException">An unknown time zone.</exception>
    public string Now(string? timeZone)
    {
        var utc = Clock.GetUtcNow();
        if (string.IsNullOrWhiteSpace(timeZone) || timeZone.Trim().Equals("UTC", StringComparison.OrdinalIgnoreCase))
            return utc.ToString("yyyy-MM-dd HH:mm", C) + " (UTC)";
        TimeZoneInfo tz;
        try { tz = TimeZoneInfo.FindSystemTimeZoneById(timeZone.Trim()); }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new InputException($"unknown time zone '{timeZone}': use an IANA id such as Europe/Paris, or UTC");
        }
        var local = TimeZoneInfo.ConvertTime(utc, tz);
        return $"{local.ToString("yyyy-MM-dd HH:mm", C)} ({tz.Id}, " +
            $"UTC{local.Offset.ToString(local.Offset < TimeSpan.Zero ? @"\-hh\:mm" : @"\+hh\:mm", C)})";
    }

    /// <summary>Whole days from <paramref name="start"/> to <paramref name="end"/> (negative when end is earlier).</summary>
    public int DaysBetween(string start, string end) => ParseDate(end, "end").DayNumber - ParseDate(start, "start").DayNumber;

    /// <summary><paramref name="date"/> plus <paramref name="days"/> days, as yyyy-MM-dd.</summary>
    public string AddDays(string date, int days)
    {
        var d = ParseDate(date, "date");
        long n = (long)d.DayNumber + days;
        if (n < DateOnly.MinValue.DayNumber
            || n > DateOnly.MaxValue.DayNumber) throw new InputException($"{date} + {days} days is out of range");
        return DateOnly.FromDayNumber((int)n).ToString("yyyy-MM-dd", C);
    }

    /// <summary>The English day of the week of <paramref name="date"/> ("Saturday").</summary>
    public string DayOfWeek(string date) => ParseDate(date, "date").DayOfWeek.ToString();

    /// <summary>An ISO date.</summary>
    /// <exception cref="InputException">Not yyyy-MM-dd.</exception>
    public static DateOnly ParseDate(string text, string field) =>
        DateOnly.TryParseExact((text ?? "").Trim(), "yyyy-MM-dd", C, DateTimeStyles.None, out var d) ? d
        : throw new InputException($"{field} '{text}' is not a date: write it as yyyy-MM-dd (e.g. 2024-03-01)");
}
