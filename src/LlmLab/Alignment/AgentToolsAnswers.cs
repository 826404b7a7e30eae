using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace LlmLab.Alignment;

/// <summary>
/// The final answers of <see cref="AgentToolsFamily"/>'s conversations, written from the tools' real outputs (so the
/// answer is right exactly when it restates the result), and how a reply is graded against one: by its values
/// (<see cref="Values"/>), never by its wording. Stateless and thread-safe.
/// </summary>
public static partial class AgentToolsAnswers
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The reply to a request that needs no tool: 0 a greeting with the user's <paramref name="name"/>, 1 thanks,
    /// 2 what the assistant can do.</summary>
    public static string Direct(int which, string name) => which switch
    {
        0 => $"Hello, {name}! How can I help you today?",
        1 => "You are welcome.",
        _ => "I can calculate, convert units, work with dates and times, query the shop database, and read or search documents.",
    };

    /// <summary>The sentence that answers one request from its call, the values its question held (see AgentToolsFamily's
    /// Draw) and the tool's <paramref name="output"/> (a tool error is <c>error: …</c>, as the agent loop writes it).</summary>
    public static string From(FunctionCallContent call, IReadOnlyList<object> values, string output)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(values);
        output = (output ?? "").Trim();
        if (output.StartsWith("error:", StringComparison.Ordinal))
            return $"The {call.Name} tool could not do it: {output["error:".Length..].Trim()}";
        string V(int i) => Convert.ToString(values[i], C) ?? "";
        switch (call.Name)
        {
            case "calculator": return $"{call.Arguments!["expression"]} = {output}.";
            case "convert_units": return $"That is {output}.";
            case "current_time": return $"In {V(0)} it is {FirstWords(output, 2)}.";
            case "days_between": return $"There are {output} from {V(0)} to {V(1)}.";
            case "add_days": return $"{V(1)} days after {V(0)} is {output}.";
            case "day_of_week": return $"{V(0)} was a {output}.";
            case "sql_query":
                var rows = output.Split('\n');                                  // header, rows…, "(n rows)" (ReadOnlySql)
                string cell = rows.Length > 2 ? rows[1].Split(" | ")[0].Trim() : "";
                bool count = call.Arguments!["query"]?.ToString()?.Contains("COUNT(", StringComparison.Ordinal) == true;
                if (count) return $"The database counts {cell} customers in {V(1)}.";
                return cell.Length > 0 ? $"The database says {V(1)} lives in {cell}." : $"The database has no customer called {V(1)}.";
            case "read_file": return $"The file {V(0)} says: {output}";
            case "list_files":
                var files = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                return $"There are {files.Length} files: {string.Join(", ", files)}.";
            default:
                // search_documents: "[1] Title (source): text" per passage; the answer cites the best one.
                string best = output.Split('\n')[0];
                int colon = best.IndexOf("): ", StringComparison.Ordinal);
                return $"The knowledge base says: {(colon >= 0 ? best[(colon + 3)..] : best)}";
        }
    }

    /// <summary>The values an answer states, which a reply must state too: quoted names ('notes/x.txt'), ISO dates, clock
    /// times, numbers, and capitalised words that do not open a sentence (names, cities, weekdays).</summary>
    public static IReadOnlyList<string> Values(string answer)
    {
        var values = new List<string>();
        foreach (Match m in ValuePattern().Matches(answer ?? ""))
        {
            if (m.Groups["word"].Success && SentenceStart(answer!, m.Index)) continue;
            values.Add(m.Value);
        }
        return values;
    }

    /// <summary>True when <paramref name="reply"/> states every value of <paramref name="reference"/> (numbers as numbers:
    /// "2.50" states 2.5). An answer without values (thanks) is held by any reply.</summary>
    public static bool Holds(string reply, string reference)
    {
        var got = ValuePattern().Matches(reply ?? "").Select(m => m.Value).ToList();
        return Values(reference).All(v => got.Any(g => Same(v, g)));
    }

    static bool Same(string want, string got) =>
        want == got || double.TryParse(want, NumberStyles.Float, C, out double a)
            && double.TryParse(got, NumberStyles.Float, C, out double b) && AnswerParsing.SameNumber(a, b);

    static bool SentenceStart(string text, int index)
    {
        int i = index - 1;
        while (i >= 0 && char.IsWhiteSpace(text[i])) i--;
        return i < 0 || text[i] is '.' or '!' or '?' or ':';
    }

    static string FirstWords(string text, int n) => string.Join(' ', text.Split(' ').Take(n));

    // Quotes, then dates before times before numbers, so 'a.txt', "2026-06-15" and "14:05" are one value each.
    [GeneratedRegex(@"'[^'\n]{1,80}'|\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}|-?\d+(?:\.\d+)?|(?<word>\p{Lu}[\p{L}]+)")]
    private static partial Regex ValuePattern();
}
