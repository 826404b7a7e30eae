using System.Globalization;

namespace LlmLab.Agents.Tools;

/// <summary>
/// The calculator's arithmetic: a recursive-descent parser that evaluates as it parses, over a closed grammar —
/// numbers, <c>+ - * / % ^</c>, parentheses, unary minus, the constants <c>pi</c> and <c>e</c> and a fixed table of
/// functions. Nothing is compiled, looked up by reflection or executed: any other identifier or character is refused,
/// so "System.IO.File.Delete(…)" or "__import__('os')" is a parse error, never code. Precedence (highest first):
/// <c>^</c> (right-associative), unary minus, <c>* / %</c>, <c>+ -</c>, as in most calculators (so −2^2 = −4).
/// Thread-safe (stateless).
/// </summary>
public static class ExpressionParser
{
    /// <summary>Longest expression accepted (a guard against pathological input).</summary>
    public const int MaxLength = 500;

    /// <summary>Deepest nesting of parentheses and functions (recursion depth).</summary>
    public const int MaxDepth = 64;

    static readonly Dictionary<string, (int Arity, Func<double[], double> F)> Functions = new(StringComparer.Ordinal)
    {
        ["sqrt"] = (1, a => Math.Sqrt(a[0])),
        ["abs"] = (1, a => Math.Abs(a[0])),
        ["ln"] = (1, a => Math.Log(a[0])),
        ["log10"] = (1, a => Math.Log10(a[0])),
        ["exp"] = (1, a => Math.Exp(a[0])),
        ["sin"] = (1, a => Math.Sin(a[0])),
        ["cos"] = (1, a => Math.Cos(a[0])),
        ["tan"] = (1, a => Math.Tan(a[0])),
        ["floor"] = (1, a => Math.Floor(a[0])),
        ["ceil"] = (1, a => Math.Ceiling(a[0])),
        ["round"] = (2, a => Math.Round(a[0], (int)a[1], MidpointRounding.AwayFromZero)),
        ["min"] = (2, a => Math.Min(a[0], a[1])),
        ["max"] = (2, a => Math.Max(a[0], a[1])),
        ["pow"] = (2, a => Math.Pow(a[0], a[1])),
    };

    static readonly Dictionary<string, double> Constants = new(StringComparer.Ordinal) { ["pi"] = Math.PI, ["e"] = Math.E };

    /// <summary>The functions the grammar knows, for the tool's description.</summary>
    public static IEnumerable<string> FunctionNames => Functions.Keys;

    /// <summary>The value of <paramref name="expression"/>.</summary>
    /// <exception cref="InputException">Anything outside the grammar (with the position), a wrong argument count, or
    /// a result that is not a finite number (division by zero, sqrt of a negative).</exception>
    public static double Evaluate(string expression)
    {
        if (string.IsNullOrWhiteSpace(expression)) throw new InputException("the expression is empty: give arithmetic such as 2*(3+4)");
        if (expression.Length > MaxLength)
            throw new InputException($"the expression has {expression.Length} characters, more than {MaxLength}: split it");
        var p = new State(expression);
        double v = Sum(p, 0);
        p.SkipSpaces();
        if (p.Pos < p.Text.Length) throw p.Error($"unexpected '{p.Text[p.Pos]}'");
        if (!double.IsFinite(v)) throw new InputException($"'{expression}' is not a finite number (division by zero or a domain error)");
        return v;
    }

    sealed class State(string text)
    {
        public readonly string Text = text;
        public int Pos;

        public void SkipSpaces() { while (Pos < Text.Length && char.IsWhiteSpace(Text[Pos])) Pos++; }

        public bool Eat(char c)
        {
            SkipSpaces();
            if (Pos < Text.Length && Text[Pos] == c) { Pos++; return true; }
            return false;
        }

        public InputException Error(string what) =>
            new($"calculator: {what} at position {Pos + 1} of '{Text}' (allowed: numbers, + - * / % ^, parentheses, pi, e, " +
                $"{string.Join(", ", Functions.Keys)})");
    }

    static double Sum(State p, int depth)
    {
        double v = Product(p, depth);
        while (true)
        {
            if (p.Eat('+')) v += Product(p, depth);
            else if (p.Eat('-')) v -= Product(p, depth);
            else return v;
        }
    }

    static double Product(State p, int depth)
    {
        double v = Unary(p, depth);
        while (true)
        {
            if (p.Eat('*')) v *= Unary(p, depth);
            else if (p.Eat('/')) v /= Unary(p, depth);
            else if (p.Eat('%')) v %= Unary(p, depth);
            else return v;
        }
    }

    static double Unary(State p, int depth)
    {
        if (p.Eat('-')) return -Unary(p, depth + 1);
        if (p.Eat('+')) return Unary(p, depth + 1);
        return Power(p, depth);
    }

    static double Power(State p, int depth)
    {
        double b = Atom(p, depth);
        return p.Eat('^') ? Math.Pow(b, Unary(p, depth + 1)) : b; // right-associative: 2^3^2 = 2^9
    }

    static double Atom(State p, int depth)
    {
        if (depth > MaxDepth) throw p.Error($"nesting deeper than {MaxDepth}");
        p.SkipSpaces();
        if (p.Pos >= p.Text.Length) throw p.Error("unexpected end");
        char c = p.Text[p.Pos];
        if (p.Eat('('))
        {
            double v = Sum(p, depth + 1);
            if (!p.Eat(')')) throw p.Error("missing ')'");
            return v;
        }
        if (char.IsAsciiDigit(c) || c == '.') return Number(p);
        if (char.IsAsciiLetter(c)) return Name(p, depth);
        throw p.Error($"unexpected '{c}'");
    }

    static double Number(State p)
    {
        int start = p.Pos;
        while (p.Pos < p.Text.Length && (char.IsAsciiDigit(p.Text[p.Pos]) || p.Text[p.Pos] == '.')) p.Pos++;
        // An exponent: 1e3, 2.5E-4 (only when digits follow, so "2e" is not half a number).
        if (p.Pos + 1 < p.Text.Length && p.Text[p.Pos] is 'e' or 'E')
        {
            int q = p.Pos + 1;
            if (p.Text[q] is '+' or '-') q++;
            if (q < p.Text.Length && char.IsAsciiDigit(p.Text[q]))
            {
                p.Pos = q;
                while (p.Pos < p.Text.Length && char.IsAsciiDigit(p.Text[p.Pos])) p.Pos++;
            }
        }
        string s = p.Text[start..p.Pos];
        if (!double.TryParse(s, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out double v))
        {
            p.Pos = start;
            throw p.Error($"'{s}' is not a number");
        }
        return v;
    }

    static double Name(State p, int depth)
    {
        int start = p.Pos;
        while (p.Pos < p.Text.Length && (char.IsAsciiLetterOrDigit(p.Text[p.Pos]) || p.Text[p.Pos] == '_')) p.Pos++;
        string name = p.Text[start..p.Pos];
        if (Constants.TryGetValue(name, out double k)) return k;
        if (!Functions.TryGetValue(name, out var f))
        {
            p.Pos = start;
            throw p.Error($"unknown name '{name}'");
        }
        if (!p.Eat('(')) throw p.Error($"'{name}' needs '('");
        var args = new List<double> { Sum(p, depth + 1) };
        while (p.Eat(',')) args.Add(Sum(p, depth + 1));
        if (!p.Eat(')')) throw p.Error("missing ')'");
        if (args.Count != f.Arity) throw p.Error($"{name} takes {f.Arity} argument(s), got {args.Count}");
        return f.F([.. args]);
    }
}
