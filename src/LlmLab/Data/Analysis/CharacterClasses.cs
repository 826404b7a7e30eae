using System.Globalization;
using System.Text;

namespace LlmLab.Data.Analysis;

/// <summary>The character classes the analysis counts (per Unicode scalar value, by general category).</summary>
public enum CharacterClass
{
    /// <summary>a–z, A–Z.</summary>
    AsciiLetter,
    /// <summary>Letters outside ASCII (é, ß, я, 中) and combining marks.</summary>
    OtherLetter,
    /// <summary>Decimal digits and other numbers.</summary>
    Digit,
    /// <summary>Spaces, tabs, line breaks.</summary>
    Whitespace,
    /// <summary>Unicode punctuation (P*).</summary>
    Punctuation,
    /// <summary>Math, currency, modifier and other symbols (S*).</summary>
    Symbol,
    /// <summary>Control and format characters, unassigned and private-use code points.</summary>
    Other,
}

/// <summary>Classifies characters into <see cref="CharacterClass"/>. Pure functions; thread-safe.</summary>
public static class CharacterClasses
{
    /// <summary>Number of classes (the length of a count array).</summary>
    public static int Count { get; } = Enum.GetValues<CharacterClass>().Length;

    /// <summary>The class of one scalar value.</summary>
    public static CharacterClass Of(Rune r)
    {
        if (r.IsAscii && char.IsAsciiLetter((char)r.Value)) return CharacterClass.AsciiLetter;
        if (Rune.IsWhiteSpace(r)) return CharacterClass.Whitespace;
        return Rune.GetUnicodeCategory(r) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark
                or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => CharacterClass.OtherLetter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => CharacterClass.Digit,
            UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
                or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
                or UnicodeCategory.OtherPunctuation => CharacterClass.Punctuation,
            UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol
                or UnicodeCategory.OtherSymbol => CharacterClass.Symbol,
            _ => CharacterClass.Other,
        };
    }

    /// <summary>Adds the class counts of <paramref name="text"/> to <paramref name="counts"/> (length <see cref="Count"/>);
    /// a lone surrogate counts as <see cref="CharacterClass.Other"/>.</summary>
    public static void AddTo(string text, long[] counts)
    {
        foreach (Rune r in text.EnumerateRunes()) counts[(int)Of(r)]++;
    }
}
