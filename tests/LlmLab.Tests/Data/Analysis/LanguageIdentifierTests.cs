using LlmLab.Data.Analysis;

namespace LlmLab.Tests.Data.Analysis;

/// <summary>The embedded language identifier: held-out accuracy, known sentences, its file format, and training.</summary>
public sealed class LanguageIdentifierTests
{
    [Fact]
    public void Embedded_model_is_accurate_on_its_held_out_lines()
    {
        var heldOut = LanguageIdEvaluation.DefaultHeldOut();
        Assert.True(heldOut.Count >= 2000, $"{heldOut.Count} held-out lines");
        var eval = LanguageIdEvaluation.Run(LanguageIdentifier.Default, heldOut, minChars: 50);
        Assert.Equal(["en", "de", "es", "fr", "it", "nl", "pl", "pt", "ru", "sv"], eval.Languages);
        Assert.True(eval.Accuracy >= 0.95, $"accuracy {eval.Accuracy:P2}");
        foreach (string l in eval.Languages) Assert.True(eval.AccuracyOf(l) >= 0.9, $"{l}: {eval.AccuracyOf(l):P1}");
    }

    [Theory]
    [InlineData("The quick brown fox jumps over the lazy dog while the cat watches from the window.", "en")]
    [InlineData("Le renard brun saute par-dessus le chien paresseux pendant que le chat regarde par la fenêtre.", "fr")]
    [InlineData("Der schnelle braune Fuchs springt über den faulen Hund, während die Katze aus dem Fenster schaut.", "de")]
    [InlineData("El rápido zorro marrón salta sobre el perro perezoso mientras el gato mira por la ventana.", "es")]
    [InlineData("Быстрая коричневая лиса прыгает через ленивую собаку, пока кошка смотрит в окно.", "ru")]
    [InlineData("Szybki brązowy lis przeskakuje nad leniwym psem, podczas gdy kot patrzy przez okno.", "pl")]
    public void Known_sentences(string text, string language) => Assert.Equal(language, LanguageIdentifier.Default.Identify(text));

    [Fact]
    public void Too_little_text_is_undetermined()
    {
        Assert.Equal(LanguageIdentifier.Undetermined, LanguageIdentifier.Default.Identify("42 + 17 = 59; {}"));
        Assert.Equal(LanguageIdentifier.Undetermined, LanguageIdentifier.Default.Identify("ok"));
    }

    [Fact]
    public void Grams_are_padded_lower_cased_word_n_grams()
    {
        var grams = new List<string>();
        LanguageIdentifier.ForEachGram("Ab, c1", g => grams.Add(g.ToString()));
        Assert.Equal(["a", "b", " a", "ab", "b ", " ab", "ab ", "c", " c", "c ", " c "], grams);
    }

    [Fact]
    public void Save_and_load_round_trip_and_bad_files_are_explained()
    {
        var model = LanguageIdentifier.Default;
        using var ms = new MemoryStream();
        model.Save(ms);
        ms.Position = 0;
        var back = LanguageIdentifier.Load(ms, "copy");
        Assert.Equal(model.Languages, back.Languages);
        Assert.Equal(model.Counts.Count, back.Counts.Count);
        string text = "Ce transport permet d'utiliser les dépôts auxquels on accède au moyen de HTTP.";
        Assert.Equal(model.Guess(text), back.Guess(text));
        var e = Assert.Throws<InputException>(() => LanguageIdentifier.Load(new MemoryStream("nope!"u8.ToArray()), "x.bin"));
        Assert.Contains("x.bin is not a language model", e.Message);
        var v = Assert.Throws<InputException>(() => LanguageIdentifier.Load(new MemoryStream("LLID\u0009"u8.ToArray()), "y.bin"));
        Assert.Contains("version-9", v.Message);
    }

    [Fact]
    public void Trainer_learns_two_languages_from_man_page_directories()
    {
        using var dir = new LlmLab.Tests.Text.TempDir();
        string en = "The program reads the file and writes the result to the standard output when it is done.";
        string fr = "Le programme lit le fichier et écrit le résultat sur la sortie standard quand il a terminé.";
        for (int i = 0; i < 40; i++)
        {
            dir.File($"en/man1/p{i}.1", $".TH P{i} 1\n.SH DESCRIPTION\n{en}\n.PP\n{en.Replace("file", "page " + i)}\n");
            dir.File($"fr/man1/p{i}.1", $".TH P{i} 1\n.SH DESCRIPTION\n{fr.Replace("\u00e9", "\\('e")}\n.PP\n{fr}\n");
        }
        var result = LanguageIdTrainer.Train([("en", [Path.Combine(dir.Path, "en")]), ("fr", [Path.Combine(dir.Path, "fr")])],
            new LanguageIdTrainer.Options(GramsPerLanguage: 200, HeldOutLines: 10));
        Assert.Equal("fr", result.Model.Identify("Le fichier est écrit sur la sortie."));
        Assert.Equal("en", result.Model.Identify("The file is written to the output."));
        Assert.All(result.HeldOut, h => Assert.True(h.Text.Length >= 50));
        Assert.Contains(result.PerLanguage, p => p.Language == "fr" && p.TrainingChars > 0);
        var missing = Assert.Throws<InputException>(() => LanguageIdTrainer.Train([("xx", ["/no/such/dir"])]));
        Assert.Contains("'/no/such/dir' not found", missing.Message);
    }

    [Fact]
    public void English_leftovers_and_non_prose_are_recognised()
    {
        Assert.True(LanguageIdTrainer.LooksEnglish(
            "useradd is a low level utility for adding users. On Debian, administrators should usually use adduser(8) instead."));
        Assert.False(LanguageIdTrainer.LooksEnglish("Le programme lit le fichier et écrit le résultat sur la sortie standard."));
        Assert.False(LanguageIdTrainer.IsProse("LATIN CAPITAL LETTER C WITH ACUTE 307 199 C7"));
        Assert.False(LanguageIdTrainer.IsProse("struct ttinfo { int32_t tt_utoff; unsigned char tt_isdst; };"));
        Assert.True(LanguageIdTrainer.IsProse("Le programme lit le fichier et écrit le résultat."));
    }
}
