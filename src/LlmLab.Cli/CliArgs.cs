using System.Globalization;

namespace LlmLab.Cli;

/// <summary>
/// Parsed command-line arguments of one command: positionals, options with values (<c>--name value</c> or
/// <c>--name=value</c>, repeatable) and flags. Anything not declared by the command is an error.
/// </summary>
public sealed class CliArgs
{
    readonly Dictionary<string, List<string>> _values = new();
    readonly HashSet<string> _flags = new();

    public List<string> Positionals { get; } = [];

    public static CliArgs Parse(IReadOnlyList<string> args, CliCommand command)
    {
        var a = new CliArgs();
        for (int i = 0; i < args.Count; i++)
        {
            string s = args[i];
            if (s == "--") { a.Positionals.AddRange(args.Skip(i + 1)); break; }
            if (!s.StartsWith("--", StringComparison.Ordinal) || s.Length == 2) { a.Positionals.Add(s); continue; }
            string name = s[2..], value;
            int eq = name.IndexOf('=');
            if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
            else if (command.Flags.Contains(name)) { a._flags.Add(name); continue; }
            else if (command.Options.Contains(name))
            {
                if (i + 1 >= args.Count) throw new UsageException($"--{name} needs a value", command);
                value = args[++i];
            }
            else throw new UsageException($"unknown option --{name}", command);
            if (!command.Options.Contains(name)) throw new UsageException($"unknown option --{name}", command);
            if (!a._values.TryGetValue(name, out var list)) a._values[name] = list = [];
            list.Add(value);
        }
        return a;
    }

    public bool Flag(string name) => _flags.Contains(name);
    public string? Get(string name) => _values.TryGetValue(name, out var l) ? l[^1] : null;
    public IReadOnlyList<string> GetAll(string name) => _values.TryGetValue(name, out var l) ? l : [];

    public int GetInt(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        string? s = Get(name);
        if (s is null) return fallback;
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
            throw new InputException($"--{name} must be an integer (got '{s}')");
        if (v < min || v > max)
            throw new InputException($"--{name} must be {(max == int.MaxValue ? $">= {min}" : $"between {min} and {max}")} (got {v})");
        return v;
    }

    public long GetLong(string name, long fallback)
    {
        string? s = Get(name);
        if (s is null) return fallback;
        return long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v
            : throw new InputException($"--{name} must be an integer (got '{s}')");
    }

    public double GetDouble(string name, double fallback, double min = double.NegativeInfinity)
    {
        string? s = Get(name);
        if (s is null) return fallback;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new InputException($"--{name} must be a number (got '{s}')");
        if (v < min) throw new InputException($"--{name} must be >= {min} (got {v})");
        return v;
    }

    /// <summary>Exactly <paramref name="count"/> positionals, else a usage error naming them.</summary>
    public void ExpectPositionals(int count, CliCommand command, string names)
    {
        if (Positionals.Count != count)
            throw new UsageException(count == 0 ? $"unexpected argument '{Positionals[0]}'" :
                $"expected {names} (got {Positionals.Count} argument{(Positionals.Count == 1 ? "" : "s")})", command);
    }
}

/// <summary>A command line the user got wrong; printed with the command's usage, exit code 2.</summary>
public sealed class UsageException(string message, CliCommand? command = null) : Exception(message)
{
    public CliCommand? Command { get; } = command;
}
