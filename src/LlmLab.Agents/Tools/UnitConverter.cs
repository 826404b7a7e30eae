using System.Globalization;

namespace LlmLab.Agents.Tools;

/// <summary>
/// Unit conversion over a fixed table of exact SI factors (NIST SP 811, appendix B: 1 in = 0.0254 m, 1 lb =
/// 0.45359237 kg, 1 US gal = 3.785411784 L, …) plus the affine temperature scales. Units of different quantities
/// (kg → m) are refused. Thread-safe (immutable tables).
/// </summary>
public static class UnitConverter
{
    // Symbol → (quantity, factor to the quantity's SI unit). Names and plurals map to the symbol (Aliases).
    static readonly Dictionary<string, (string Quantity, double Factor)> Units = new(StringComparer.Ordinal)
    {
        ["m"] = ("length", 1), ["km"] = ("length", 1000), ["cm"] = ("length", 0.01), ["mm"] = ("length", 0.001),
        ["in"] = ("length", 0.0254), ["ft"] = ("length", 0.3048), ["yd"] = ("length", 0.9144), ["mi"] = ("length", 1609.344),
        ["kg"] = ("mass", 1), ["g"] = ("mass", 0.001), ["mg"] = ("mass", 1e-6), ["t"] = ("mass", 1000),
        ["lb"] = ("mass", 0.45359237), ["oz"] = ("mass", 0.028349523125),
        ["L"] = ("volume", 1), ["mL"] = ("volume", 0.001), ["gal"] = ("volume", 3.785411784), ["m3"] = ("volume", 1000),
        ["s"] = ("time", 1), ["min"] = ("time", 60), ["h"] = ("time", 3600), ["day"] = ("time", 86400), ["week"] = ("time", 604800),
        ["m/s"] = ("speed", 1), ["km/h"] = ("speed", 1000.0 / 3600), ["mph"] = ("speed", 1609.344 / 3600),
        ["J"] = ("energy", 1), ["kJ"] = ("energy", 1000), ["cal"] = ("energy", 4.184), ["kcal"] = ("energy", 4184), ["kWh"] = ("energy",
            3.6e6),
    };

    static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["meter"] = "m", ["metre"] = "m", ["kilometer"] = "km", ["kilometre"] = "km", ["centimeter"] = "cm", ["centimetre"] = "cm",
        ["millimeter"] = "mm", ["millimetre"] = "mm", ["inch"] = "in", ["inches"] = "in", ["foot"] = "ft", ["feet"] = "ft",
        ["yard"] = "yd", ["mile"] = "mi", ["miles"] = "mi", ["kilogram"] = "kg", ["gram"] = "g", ["milligram"] = "mg",
        ["tonne"] = "t", ["pound"] = "lb", ["lbs"] = "lb", ["ounce"] = "oz", ["liter"] = "L", ["litre"] = "L", ["l"] = "L",
        ["milliliter"] = "mL", ["millilitre"] = "mL", ["ml"] = "mL", ["gallon"] = "gal", ["second"] = "s", ["sec"] = "s",
        ["minute"] = "min", ["hour"] = "h", ["hr"] = "h", ["days"] = "day", ["d"] = "day", ["weeks"] = "week",
        ["kph"] = "km/h", ["joule"] = "J", ["kilojoule"] = "kJ", ["calorie"] = "cal", ["kilocalorie"] = "kcal",
        ["c"] = "C", ["celsius"] = "C", ["f"] = "F", ["fahrenheit"] = "F", ["k"] = "K", ["kelvin"] = "K",
    };

    static readonly HashSet<string> Temperatures = ["C", "F", "K"];

    /// <summary>The unit symbols known, for the tool's description.</summary>
    public static IEnumerable<string> Symbols => Units.Keys.Concat(Temperatures);

    /// <summary><paramref name="value"/> in <paramref name="from"/> expressed in <paramref name="to"/>.</summary>
    /// <exception cref="InputException">An unknown unit, or units of different quantities.</exception>
    public static double Convert(double value, string from, string to)
    {
        string f = Canonical(from), t = Canonical(to);
        if (Temperatures.Contains(f) || Temperatures.Contains(t))
        {
            if (!Temperatures.Contains(f) || !Temperatures.Contains(t))
                throw new InputException($"cannot convert {from} to {to}: only temperatures convert to temperatures");
            double kelvin = f switch { "C" => value + 273.15, "F" => (value - 32) * 5 / 9 + 273.15, _ => value };
            return t switch { "C" => kelvin - 273.15, "F" => (kelvin - 273.15) * 9 / 5 + 32, _ => kelvin };
        }
        var (qf, ff) = Units[f];
        var (qt, ft) = Units[t];
        if (qf != qt) throw new InputException($"cannot convert {from} ({qf}) to {to} ({qt}): units of different quantities");
        return value * ff / ft;
    }

    static string Canonical(string unit)
    {
        string u = (unit ?? "").Trim();
        if (Units.ContainsKey(u) || Temperatures.Contains(u)) return u;
        if (Aliases.TryGetValue(u, out var a)) return a;
        if (u.EndsWith('s') && Aliases.TryGetValue(u[..^1], out a)) return a; // plurals: "meters", "pounds"
        foreach (var k in Units.Keys) if (string.Equals(k, u, StringComparison.OrdinalIgnoreCase)) return k;
        throw new InputException($"unknown unit '{unit}': use one of {string.Join(", ", Symbols)}");
    }

    /// <summary>A conversion as a sentence, rounded to 6 significant digits ("5 mi = 8.04672 km").</summary>
    public static string Describe(double value, string from, string to, double result) =>
        $"{value.ToString("G6", CultureInfo.InvariantCulture)} {from} = {result.ToString("G6", CultureInfo.InvariantCulture)} {to}";
}
