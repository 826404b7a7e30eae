using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using static LlmLab.Alignment.SyntheticVocabulary;

namespace LlmLab.Alignment;

/// <summary>Field extraction: a short record about a person in one of several layouts, and a request for some of its
/// fields as a JSON object (age a number, the others strings). Difficulty: 1, 2 or 3 fields asked.</summary>
public sealed class ExtractionFamily : TaskFamily
{
    static readonly string[] Fields = ["name", "age", "city", "job"];

    // {0} name, {1} age, {2} city, {3} job, {4} the fields asked ("age and city")
    static readonly string[] Templates =
    [
        "Record: name: {0}; age: {1}; city: {2}; job: {3}. Return the {4} as JSON.",
        "{0} is {1} years old, works as a {3} and lives in {2}. Extract the {4} into a JSON object.",
        "Name={0} | Age={1} | City={2} | Job={3}\nGive a JSON object with the {4}.",
        "Here is a profile. Name: {0}. Age: {1}. City: {2}. Job: {3}. Output the {4} as JSON.",
        "{0} ({1}), {3} from {2}. Reply with a JSON object holding the {4}.",
        "name,age,city,job\n{0},{1},{2},{3}\nConvert the {4} of this row to JSON.",
    ];

    public override string Name => "extraction";
    public override int TemplateCount => Templates.Length;

    protected override (string? System, string User, ChatMessage Reply) Make(Random rng, int template, int difficulty)
    {
        string name = Pick(rng, Names) + " " + Pick(rng, Surnames), city = Pick(rng, Cities), job = Pick(rng, Jobs);
        int age = rng.Next(18, 90);
        var asked = Fields.OrderBy(_ => rng.Next()).Take(difficulty).ToList();
        asked.Sort((a, b) => Array.IndexOf(Fields, a).CompareTo(Array.IndexOf(Fields, b)));
        string list = asked.Count == 1 ? asked[0] : string.Join(", ", asked.Take(asked.Count - 1)) + " and " + asked[^1];
        string user = string.Format(CultureInfo.InvariantCulture, Templates[template], name, age, city, job, list);
        var answer = new Dictionary<string, object>();
        foreach (string f in asked) answer[f] = f switch { "name" => name, "age" => age, "city" => city, _ => job };
        return (null, user, Answer(JsonSerializer.Serialize(answer)));
    }

    /// <summary>Right when the reply's first JSON object has exactly the reference's keys and values (numbers by value);
    /// the format is valid when the reply holds a JSON object.</summary>
    public override TaskGrade Check(string reference, string reply)
    {
        using var want = AnswerParsing.FirstJsonObject(reference);
        using var got = AnswerParsing.FirstJsonObject(reply);
        return new(want is not null && got is not null && AnswerParsing.SameJson(want.RootElement, got.RootElement), got is not null);
    }
}
