using System.Xml.Linq;
using LlmLab.Text;

namespace LlmLab.Tests.Text;

public class XmlDocRendererTests
{
    static string Render(string memberXml) => XmlDocRenderer.Render(XElement.Parse(memberXml));

    [Theory]
    [InlineData("T:System.String", "String")]
    [InlineData("P:System.String.Length", "String.Length")]
    [InlineData("M:System.String.Split(System.Char[])", "String.Split")]
    [InlineData("M:System.String.#ctor(System.Char[])", "String")]
    [InlineData("T:System.Collections.Generic.List`1", "List")]
    [InlineData("M:System.Linq.Enumerable.Select``2(System.Collections.Generic.IEnumerable{``0},System.Func{``0,``1})", "Enumerable.Select")]
    [InlineData("M:System.Collections.Generic.List`1.System#Collections#IList#Add(System.Object)", "List.Add")]
    [InlineData("M:System.Decimal.op_Explicit(System.Decimal)~System.Int32", "Decimal.op_Explicit")]
    [InlineData("N:System.IO", "System.IO")]
    public void Short_names_of_doc_ids(string cref, string expected) =>
        Assert.Equal(expected, XmlDocRenderer.ShortName(cref));

    [Fact]
    public void Member_becomes_clean_prose_with_params_returns_and_exceptions()
    {
        string text = Render("""
            <member name="M:N.T.F(System.String,System.Int32)">
              <summary>Finds <paramref name="s" /> in a <see cref="T:System.String" />, or returns <see langword="null" />
                when <c>count</c>   is 0.<para>See <see cref="P:System.String.Length">the length</see>.</para></summary>
              <typeparam name="T">Unused.</typeparam>
              <param name="s">The value.</param>
              <param name="count"></param>
              <returns>The <see cref="M:System.String.Split(System.Char[])" /> result.</returns>
              <exception cref="T:System.ArgumentNullException"><paramref name="s" /> is <see langword="null" />.</exception>
              <seealso cref="T:System.Object" />
            </member>
            """);
        Assert.Equal("""
            Finds s in a String, or returns null when count is 0.

            See the length.

            T: Unused.
            s: The value.
            Returns: The String.Split result.
            ArgumentNullException: s is null.
            """.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public void Lists_become_lines_and_code_blocks_keep_their_lines()
    {
        string text = Render("""
            <member name="T:N.T">
              <remarks>Forms:<list type="table"><listheader><term>Case</term><description>Value</description></listheader>
                <item><term>It is <see langword="null" />.</term><description>Empty.</description></item></list>
                Example:<code>
                  if (x)
                  {
                      y();
                  }
                </code> and <xref uid="System.Diagnostics.Activity"></xref>, see <see href="https://example.com/a"/>.</remarks>
            </member>
            """);
        Assert.Equal("""
            Forms:

            - Case: Value
            - It is null. Empty.

            Example:

            if (x)
            {
                y();
            }

            and Activity, see https://example.com/a.
            """.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public void Inheritdoc_only_member_renders_empty()
    {
        Assert.Equal("", Render("<member name=\"M:N.T.F\"><inheritdoc /></member>"));
    }
}
