using LlmLab.Data.Analysis;

namespace LlmLab.Tests.Data.Analysis;

/// <summary>Man-page roff to running text: escapes, font macros, paragraph breaks.</summary>
public sealed class RoffTextTests
{
    [Theory]
    [InlineData(@"t\('el\('echargement \(`a l\*(Aqutilisateur", "téléchargement à l'utilisateur")]
    [InlineData(@"\fBbold\fR and \fIitalic\fP \f(CWcode\fR", "bold and italic code")]
    [InlineData(@"\(Fo\ \&homme du milieu\ \&\(Fc", "« homme du milieu »")]
    [InlineData(@"gr\(:u\(ss \(,ca \(/l \[u00E9]t\[u00E9]", "grüß ça ł été")]
    [InlineData(@"text \"" a comment", "text ")]
    [InlineData(@"a\-b \s-1small\s0 \e", "a-b small \\")]
    public void Escapes_decode(string roff, string text) => Assert.Equal(text, RoffText.Decode(roff));

    [Fact]
    public void Paragraphs_keep_font_macro_text_and_break_at_requests()
    {
        string page =
            ".\\\" comment\n.TH X 1\n.SH NAME\nx \\- does things\n.SH DESCRIPTION\nFirst line\ncontinues with\n.B " +
            "bold\nword.\n.PP\nSecond paragraph.\n";
        // .SH headings are breaks (their text is not running prose); .B's argument stays inside the sentence.
        Assert.Equal(["x - does things", "First line continues with bold word.", "Second paragraph."], RoffText.Paragraphs(page));
    }
}
