using System.Globalization;
using Microsoft.Extensions.AI;

namespace LlmLab.Alignment;

/// <summary>Unit conversions with exact factors (km → m, h → min, …); the answer is "value unit".
/// Difficulty: values up to 10, 100, 1000.</summary>
public sealed class UnitConversionFamily : TaskFamily
{
    static readonly (string From, string To, string FromLong, string ToLong, int Factor)[] Units =
    [
        ("km", "m", "kilometres", "metres", 1000), ("m", "cm", "metres", "centimetres", 100), ("kg", "g", "kilograms", "grams", 1000),
        ("h", "min", "hours", "minutes", 60), ("min", "s", "minutes", "seconds", 60), ("day", "h", "days", "hours", 24),
        ("ft", "in", "feet", "inches", 12), ("L", "mL", "litres", "millilitres", 1000),
    ];

    // {0} value, {1} from symbol, {2} to symbol, {3} from name, {4} to name
    static readonly string[] Templates =
    [
        "Convert {0} {1} to {2}.",
        "How many {4} are in {0} {3}?",
        "{0} {1} = ? {2}",
        "Express {0} {3} in {4}.",
        "What is {0} {1} in {2}?",
        "Give {0} {3} as {4}.",
    ];

    public override string Name => "units";
    public override int TemplateCount => Templates.Length;

    protected override (string? System, string User, ChatMessage Reply) Make(Random rng, int template, int difficulty)
    {
        var u = Pick(rng, Units);
        int v = rng.Next(1, (difficulty switch { 1 => 10, 2 => 100, _ => 1000 }) + 1);
        string user = string.Format(CultureInfo.InvariantCulture, Templates[template], v, u.From, u.To, u.FromLong, u.ToLong);
        return (null, user, Answer(((long)v * u.Factor).ToString(CultureInfo.InvariantCulture) + " " + u.To));
    }

    /// <summary>Right when the value and the unit after it match the reference; the format is valid when a number is
    /// followed by a unit.</summary>
    public override TaskGrade Check(string reference, string reply)
    {
        var want = AnswerParsing.NumberAndUnit(reference);
        var got = AnswerParsing.NumberAndUnit(reply);
        bool correct = want is { } w && got is { } g && AnswerParsing.SameNumber(w.Value, g.Value) && string.Equals(w.Unit, g.Unit, StringComparison.Ordinal);
        return new(correct, got is { Unit: not null });
    }
}
