namespace LlmLab.Tests.Tokenization;

/// <summary>Strings where tokenizers tend to differ: whitespace runs, emoji sequences, ill-formed UTF-16, CJK, digits,
/// contractions, special tokens.</summary>
internal static class AdversarialStrings
{
    public static readonly string[] All =
    [
        "", " ", "  ", "\t", "\n", "\r\n", "a ", "a  ", "a   b", "a\t\tb", " \t \n x", "x  \n\n  y  ", "trailing   ",
        "\n\n\n", "  \n", "\u00A0non-breaking\u00A0space", "\u3000ideographic space", "tab\tthen\u000Bvertical\u000Cfeed",
        "line\u2028separator\u2029paragraph", "mixed \r\n\r\n\t  end\t", "    indented code\n        more",
        "😀", "👍🏽", "👨‍👩‍👧‍👦 family", "🏳️‍🌈 flag", "🇫🇷🇯🇵", "e\u0301 combining", "Zalgo: Z͑ͫ̓ͪ̂ͫ̽͏̴̙̤̞͉͚̯̞̠͍A̴̵̜̰͔ͫ͗͢",
        "a\uD800b", "\uDC00", "x\uD83D", "\uD83D\uD83D", "\uDE00\uD83D", "lone \uDBFF at \uDFFF end\uD800",
        "\uFFFD", "a\uFFFDb", "\uFEFFbom",
        "日本語のテキスト", "中文字符和标点。", "한국어 텍스트", "Ελληνικά και Кириллица", "עברית ועربية",
        "1234567890123456789", "3.14159 and 2,718,281", "x1y22z333w4444", "٣٤٥ Arabic-Indic digits", "Ⅻ roman",
        "don't", "I'm", "we're", "they've", "you'll", "she'd", "it's", "HE'S", "DON'T", "'S", "O'Neil's", "rock 'n' roll", "''s",
        "<|endoftext|>", "hello<|endoftext|>world", "a <|endoftext|> b", "<|endoftext|><|endoftext|>", "  <|endoftext|>  ",
        "<|fim_prefix|>def f():<|fim_suffix|>\n<|fim_middle|>", "<|endofprompt|>", "<|endoftext", "<|unknown|>",
        "https://example.com/path?q=1&r=2#frag", "C:\\Users\\name\\file.txt", "foo_bar-baz.qux", "!!!???...", "@#$%^&*()",
        "camelCaseIdentifier = snake_case_value;", "<summary>Gets the value.</summary>", "{\"json\": [1, 2.5, null]}",
        new string('a', 300), new string(' ', 300), new string('9', 257), string.Concat(Enumerable.Repeat("ab ", 100)),
        string.Concat(Enumerable.Repeat("😀", 60)), string.Concat(Enumerable.Repeat("\u00e9", 200)),
    ];
}
