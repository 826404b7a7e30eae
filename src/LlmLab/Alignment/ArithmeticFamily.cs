using Microsoft.Extensions.AI;
using static LlmLab.Alignment.SyntheticVocabulary;

namespace LlmLab.Alignment;

/// <summary>Integer arithmetic word problems (addition, subtraction, multiplication); the answer is the integer.
/// Difficulty: operands up to 20, 100, 1000 (factors up to 9, 12, 20 for products).</summary>
public sealed class ArithmeticFamily : TaskFamily
{
    // {0} name, {1} a, {2} b, {3} item; the operation each template asks for
    static readonly (string Text, char Op)[] Templates =
    [
        ("{0} has {1} {3}s and gets {2} more. How many {3}s does {0} have now?", '+'),
        ("A box holds {1} {3}s. {2} are taken out. How many {3}s are left in the box?", '-'),
        ("{0} buys {1} bags with {2} {3}s in each bag. How many {3}s is that in total?", '*'),
        ("What is {1} plus {2}?", '+'),
        ("There were {1} {3}s on the table and {0} added {2}. How many {3}s are on the table?", '+'),
        ("{0} had {1} {3}s and gave {2} away. How many {3}s does {0} still have?", '-'),
        ("Each of {1} boxes holds {2} {3}s. How many {3}s are there altogether?", '*'),
    ];

    public override string Name => "arithmetic";
    public override int TemplateCount => Templates.Length;

    protected override (string? System, string User, ChatMessage Reply) Make(Random rng, int template, int difficulty)
    {
        var (text, op) = Templates[template];
        int max = difficulty switch { 1 => 20, 2 => 100, _ => 1000 }, factor = difficulty switch { 1 => 9, 2 => 12, _ => 20 };
        long a, b, r;
        if (op == '*') { a = rng.Next(2, factor + 1); b = rng.Next(2, factor + 1); r = a * b; }
        else
        {
            a = rng.Next(1, max + 1); b = rng.Next(1, max + 1);
            if (op == '-' && b > a) (a, b) = (b, a);
            r = op == '+' ? a + b : a - b;
        }
        string user = string.Format(System.Globalization.CultureInfo.InvariantCulture, text, Pick(rng, Names), a, b, Pick(rng, Items));
        return (null, user, Answer(r.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>Right when the reply's first number equals the reference's.</summary>
    public override TaskGrade Check(string reference, string reply)
    {
        double? want = AnswerParsing.FirstNumber(reference), got = AnswerParsing.FirstNumber(reply);
        return new(want is { } w && got is { } g && AnswerParsing.SameNumber(w, g), got is not null);
    }
}
