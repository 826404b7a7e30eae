using System.Text.RegularExpressions;
using LlmLab.Text;

namespace LlmLab.Tests.Text;

/// <summary>One full pass over the default corpus, shared by the tests of <see cref="SdkDocsCorpusTests"/>.</summary>
public sealed class SdkDocsPass
{
    public SdkDocsCorpus Corpus { get; } = new();
    public List<(string Id, string Source, int Length, bool Markup)> Docs { get; } = [];
    public Dictionary<string, string> Known { get; } = [];

    static readonly string[] KnownIds =
    [
        "M:System.String.Split(System.Char[])",
        "M:System.Collections.Generic.List`1.Add(`0)",
        "P:System.ArgumentOutOfRangeException.Message",
    ];

    // Doc-comment tags that must never survive rendering. Escaped markup in the prose is legitimate text and stays
    // ("serialized as \"<item/>\"", "Nullable<c>"), so bare "<item>" and "<c>" are not checked, only closers and attributes.
    static readonly Regex Tag = new(@"<(see|seealso|paramref|typeparamref|xref|inheritdoc)\b|<(para|summary|remarks|returns|code|list|term|description)>|</(para|see|c|code|summary|term|description|list)>");

    public SdkDocsPass()
    {
        foreach (var d in Corpus.Read())
        {
            Docs.Add((d.Id, d.Source, d.Text.Length, Tag.IsMatch(d.Text)));
            if (KnownIds.Contains(d.Id)) Known[d.Id] = d.Text;
        }
    }
}

public class SdkDocsCorpusTests(SdkDocsPass pass) : IClassFixture<SdkDocsPass>
{
    [Fact]
    public void Finds_the_reference_xml_of_the_running_sdk_one_file_per_assembly()
    {
        var files = pass.Corpus.Files;
        Assert.True(files.Count > 100, $"only {files.Count} XML files found");
        var names = files.Select(Path.GetFileNameWithoutExtension).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Contains("System.Runtime", names);
        Assert.All(files, f => Assert.Matches(@"[/\\]packs[/\\][^/\\]+[/\\][^/\\]+[/\\]ref[/\\]net\d+\.\d+[/\\][^/\\]+\.xml$", f));
    }

    [Fact]
    public void Full_pass_has_many_unique_documents_without_markup()
    {
        Assert.True(pass.Docs.Count > 10_000, $"{pass.Docs.Count} documents");
        Assert.Equal(pass.Docs.Count, pass.Docs.Select(d => d.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.All(pass.Docs, d => Assert.True(d.Length >= SdkDocsCorpus.MinChars, d.Id));
        Assert.Empty(pass.Docs.Where(d => d.Markup).Select(d => d.Id));
        Assert.All(pass.Docs, d => Assert.Matches("^[TMPFE]:", d.Id));
        Assert.True(pass.Docs.Select(d => d.Source).Distinct().Count() > 100);
    }

    [Fact]
    public void Known_members_render_with_short_cref_names()
    {
        string split = pass.Known["M:System.String.Split(System.Char[])"];
        Assert.StartsWith("Splits a string into substrings based on specified delimiting characters.", split);
        Assert.Contains("separator: An array of delimiting characters, an empty array that contains no delimiters, or null.", split);
        Assert.Contains("\nReturns: An array whose elements contain the substrings", split);

        Assert.StartsWith("Adds an object to the end of the List.", pass.Known["M:System.Collections.Generic.List`1.Add(`0)"]);

        string message = pass.Known["P:System.ArgumentOutOfRangeException.Message"];
        Assert.Contains("- The ArgumentOutOfRangeException.ActualValue is null. The ArgumentOutOfRangeException.Message string passed to the constructor.", message);
    }

    [Fact]
    public void Reading_twice_gives_the_same_sequence()
    {
        var subset = new SdkDocsCorpus(pass.Corpus.Files.Take(3).ToList());
        string Fingerprint() => string.Join('\u0001', subset.Read().Select(d => $"{d.Id}\u0002{d.Source}\u0002{d.Text}"));
        string first = Fingerprint();
        Assert.True(first.Length > 1000);
        Assert.Equal(first, Fingerprint());
        // The subset is the full pass's prefix: same ids in the same order.
        var ids = subset.Read().Select(d => d.Id).ToList();
        Assert.Equal(pass.Docs.Take(ids.Count).Select(d => d.Id), ids);
    }

    [Fact]
    public void Stub_file_without_members_yields_nothing_and_bad_xml_is_named()
    {
        using var dir = new TempDir();
        string stub = dir.File("Stub.xml", "<?xml version=\"1.0\"?><doc><assembly><name>Stub</name></assembly><members></members></doc>");
        string bad = dir.File("Bad.xml", "<doc><members><member name=\"T:A\"><summary>Unclosed summary text here</member>");
        Assert.Empty(new SdkDocsCorpus([stub]).Read());
        var e = Assert.Throws<InputException>(() => new SdkDocsCorpus([bad]).Read().ToList());
        Assert.Contains("Bad.xml' is not well-formed XML", e.Message);
    }

    [Fact]
    public void Duplicate_ids_keep_the_first_and_short_texts_are_skipped()
    {
        using var dir = new TempDir();
        string a = dir.File("A.xml", "<doc><members><member name=\"T:X\"><summary>First description of X, long enough.</summary></member>" +
                                     "<member name=\"T:Short\"><summary>Too short.</summary></member></members></doc>");
        string b = dir.File("B.xml", "<doc><members><member name=\"T:X\"><summary>Second description of X, long enough.</summary></member></members></doc>");
        var docs = new SdkDocsCorpus([a, b]).Read().ToList();
        var d = Assert.Single(docs);
        Assert.Equal(new Document("T:X", "First description of X, long enough.", "A"), d);
    }

    [Fact]
    public void Only_the_newest_pack_version_and_tfm_are_taken()
    {
        using var dir = new TempDir();
        const string doc = "<doc><members/></doc>";
        dir.File("packs/P.Ref/9.0.1/ref/net9.0/Old.xml", doc);
        dir.File("packs/P.Ref/10.0.0-rc.1/ref/net10.0/Preview.xml", doc);
        dir.File("packs/P.Ref/10.0.2/ref/net9.0/Lower.xml", doc);
        dir.File("packs/P.Ref/10.0.2/ref/net10.0/New.xml", doc);
        dir.File("packs/P.Ref/10.0.2/ref/netstandard2.1/Std.xml", doc);
        var files = SdkDocsLocator.FindXmlFiles(dir.Path);
        Assert.Equal(["New"], files.Select(Path.GetFileNameWithoutExtension));
        var e = Assert.Throws<InputException>(() => SdkDocsLocator.FindXmlFiles(Path.Combine(dir.Path, "nowhere")));
        Assert.Contains("no .NET SDK reference docs found", e.Message);
    }
}
