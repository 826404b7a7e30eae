namespace LlmLab.Alignment;

/// <summary>The small word lists the task families draw names, objects and words from.</summary>
internal static class SyntheticVocabulary
{
    public static readonly string[] Names =
        ["Alice", "Bruno", "Chloe", "David", "Emma", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Karim", "Lea", "Marc", "Nina", "Omar", "Paula"];

    public static readonly string[] Surnames = ["Martin", "Bernard", "Dubois", "Smith", "Garcia", "Rossi", "Novak", "Keller", "Silva", "Moreau"];

    public static readonly string[] Items = ["apple", "book", "pencil", "marble", "stamp", "coin", "card", "shell", "sticker", "cookie"];

    public static readonly string[] Cities =
        ["Paris", "Lyon", "Berlin", "Madrid", "Rome", "Lisbon", "Vienna", "Oslo", "Dublin", "Prague", "Warsaw", "Athens"];

    public static readonly string[] Jobs = ["teacher", "nurse", "baker", "pilot", "chemist", "lawyer", "farmer", "painter"];

    public static readonly string[] Words =
        ["river", "garden", "planet", "window", "silver", "candle", "forest", "pepper", "rocket", "bottle", "tiger", "lemon",
         "castle", "butter", "mirror", "pocket", "dragon", "anchor", "velvet", "harbor", "banana", "orange", "cotton", "pillow"];

    public static readonly string[] Currencies = ["EUR", "USD", "GBP", "JPY", "CHF"];
}
