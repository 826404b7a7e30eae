using System.Text.RegularExpressions;

namespace LlmLab.Retrieval.Answering;

/// <summary>Citations found in an answer, checked against the number of chunks actually given.</summary>
/// <param name="Cited">Distinct chunk numbers cited that exist (1-based), in order of first citation.</param>
/// <param name="Invented">Numbers cited that name no given chunk (e.g. [7] when 5 chunks were given).</param>
public sealed partial record CitationCheck(IReadOnlyList<int> Cited, IReadOnlyList<int> Invented)
{
    /// <summary>True when the answer cites at least one chunk and invents none.</summary>
    public bool IsValid => Cited.Count > 0 && Invented.Count == 0;

    [GeneratedRegex(@"\[(\d+(?:\s*,\s*\d+)*)\]")]
    private static partial Regex Brackets();

    /// <summary>Parses <c>[n]</c> and <c>[n, m]</c> citations in <paramref name="answer"/> given <paramref name="chunkCount"/>
    /// chunks.</summary>
    public static CitationCheck Of(string answer, int chunkCount)
    {
        var cited = new List<int>();
        var invented = new List<int>();
        foreach (Match m in Brackets().Matches(answer))
        {
            foreach (var part in m.Groups[1].Value.Split(','))
            {
                if (!int.TryParse(part.Trim(), out int n)) continue;
                var list = n >= 1 && n <= chunkCount ? cited : invented;
                if (!list.Contains(n)) list.Add(n);
            }
        }
        return new CitationCheck(cited, invented);
    }
}
