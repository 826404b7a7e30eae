using System.Globalization;
using Microsoft.Extensions.AI;

namespace LlmLab.Alignment;

/// <summary>Date arithmetic on the proleptic Gregorian calendar (.NET's <see cref="DateOnly"/>): the weekday of a date,
/// and the number of days between two dates, in three date notations. Difficulty: dates within 1 year of 2000–2030 and
/// spans up to 31, 365, 3650 days.</summary>
public sealed class DateFamily : TaskFamily
{
    enum Notation { Iso, DayMonth, MonthDay }

    // (text with {0} the first date and {1} the second, weekday question?, notation)
    static readonly (string Text, bool Weekday, Notation Notation)[] Templates =
    [
        ("What day of the week was {0}?", true, Notation.Iso),
        ("How many days are there from {0} to {1}?", false, Notation.Iso),
        ("On which weekday did {0} fall?", true, Notation.DayMonth),
        ("Count the days between {0} and {1}.", false, Notation.DayMonth),
        ("{0} was which day of the week?", true, Notation.MonthDay),
        ("How many days separate {0} and {1}?", false, Notation.MonthDay),
    ];

    public override string Name => "dates";
    public override int TemplateCount => Templates.Length;

    protected override (string? System, string User, ChatMessage Reply) Make(Random rng, int template, int difficulty)
    {
        var (text, weekday, notation) = Templates[template];
        var first = new DateOnly(2000, 1, 1).AddDays(rng.Next(0, 365 * 30));
        var second = first.AddDays(rng.Next(1, (difficulty switch { 1 => 31, 2 => 365, _ => 3650 }) + 1));
        string user = string.Format(CultureInfo.InvariantCulture, text, Format(first, notation), Format(second, notation));
        string answer = weekday ? first.DayOfWeek.ToString() : (second.DayNumber - first.DayNumber).ToString(CultureInfo.InvariantCulture);
        return (null, user, Answer(answer));
    }

    static string Format(DateOnly d, Notation n) => n switch
    {
        Notation.Iso => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Notation.DayMonth => d.ToString("d MMMM yyyy", CultureInfo.InvariantCulture),
        _ => d.ToString("MMMM d, yyyy", CultureInfo.InvariantCulture),
    };

    /// <summary>A weekday reference is compared with the first weekday name in the reply; a number of days with the
    /// reply's first number.</summary>
    public override TaskGrade Check(string reference, string reply)
    {
        if (FirstWeekday(reference) is { } want)
        {
            var got = FirstWeekday(reply);
            return new(got == want, got is not null);
        }
        double? n = AnswerParsing.FirstNumber(reference), m = AnswerParsing.FirstNumber(reply);
        return new(n is { } a && m is { } b && AnswerParsing.SameNumber(a, b), m is not null);
    }

    static DayOfWeek? FirstWeekday(string text)
    {
        foreach (string w in AnswerParsing.Words(text))
            if (Enum.TryParse<DayOfWeek>(w, ignoreCase: true, out var d) && !int.TryParse(w, out _)) return d;
        return null;
    }
}
