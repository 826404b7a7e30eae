using System.Globalization;
using Microsoft.Extensions.AI;
using static LlmLab.Alignment.SyntheticVocabulary;

namespace LlmLab.Alignment;

/// <summary>String manipulation: reverse a word, sort words alphabetically, count a letter in a word. Difficulty: 3, 4
/// or 5 words to sort.</summary>
public sealed class StringFamily : TaskFamily
{
    enum Op { Reverse, Sort, Count }

    // {0} the word (or the words), {1} the letter
    static readonly (string Text, Op Op)[] Templates =
    [
        ("Reverse the word '{0}'.", Op.Reverse),
        ("Sort these words alphabetically: {0}", Op.Sort),
        ("How many times does the letter '{1}' appear in '{0}'?", Op.Count),
        ("Write '{0}' backwards.", Op.Reverse),
        ("Put these words in alphabetical order: {0}", Op.Sort),
        ("Count the letter '{1}' in the word '{0}'.", Op.Count),
    ];

    public override string Name => "strings";
    public override int TemplateCount => Templates.Length;

    protected override (string? System, string User, ChatMessage Reply) Make(Random rng, int template, int difficulty)
    {
        var (text, op) = Templates[template];
        string word = Pick(rng, Words);
        switch (op)
        {
            case Op.Reverse:
                return (null, string.Format(CultureInfo.InvariantCulture, text, word), Answer(new string(word.Reverse().ToArray())));
            case Op.Sort:
                var words = Words.OrderBy(_ => rng.Next()).Take(difficulty + 2).ToArray();
                return (null, string.Format(CultureInfo.InvariantCulture, text, string.Join(" ", words)),
                    Answer(string.Join(" ", words.Order(StringComparer.Ordinal))));
            default:
                char letter = word[rng.Next(word.Length)];
                return (null, string.Format(CultureInfo.InvariantCulture, text, word, letter),
                    Answer(word.Count(c => c == letter).ToString(CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>A count is compared as the reply's first number; a word or a list as its words (lower-cased, without
    /// quotes or punctuation), in order.</summary>
    public override TaskGrade Check(string reference, string reply)
    {
        if (int.TryParse(reference.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int count))
        {
            double? got = AnswerParsing.FirstNumber(reply);
            return new(got == count, got is not null);
        }
        string[] want = AnswerParsing.Words(reference), have = AnswerParsing.Words(reply);
        return new(want.SequenceEqual(have), have.Length > 0);
    }
}
