using System.Text;
using LlmLab.Text;

namespace LlmLab.Data.Mixture;

/// <summary>
/// Views of document sources for building mixtures: the first bytes of a source, a source under another name, and slices
/// of the SDK-docs corpus by assembly. They stream like the sources they wrap; thread-safe when those are.
/// </summary>
public static class SourceViews
{
    /// <summary>The documents of <paramref name="source"/> until <paramref name="maxBytes"/> UTF-8 bytes have been
    /// read (the document that crosses the limit is the last one; none is cut).</summary>
    public static IDocumentSource Take(IDocumentSource source, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        return new View(source.Name, ct => TakeBytes(source.Read(ct), maxBytes));
    }

    /// <summary>The SDK-docs corpus restricted to the assemblies whose name <paramref name="keep"/> accepts (e.g. those
    /// starting with "Microsoft.AspNetCore."), under the name <paramref name="name"/>. Only those XML files are read.</summary>
    /// <exception cref="InputException">No SDK docs are found, or no assembly is accepted.</exception>
    public static IDocumentSource SdkAssemblies(string name, Func<string, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var files = SdkDocsLocator.FindXmlFiles().Where(f => keep(Path.GetFileNameWithoutExtension(f))).ToList();
        if (files.Count == 0) throw new InputException($"source '{name}': no SDK-docs assembly matches; choose another slice");
        var corpus = new SdkDocsCorpus(files);
        return new View(name, corpus.Read);
    }

    static IEnumerable<Document> TakeBytes(IEnumerable<Document> docs, long maxBytes)
    {
        long bytes = 0;
        foreach (var d in docs)
        {
            if (bytes >= maxBytes) yield break;
            bytes += Encoding.UTF8.GetByteCount(d.Text);
            yield return d;
        }
    }

    sealed class View(string name, Func<CancellationToken, IEnumerable<Document>> read) : IDocumentSource
    {
        public string Name => name;
        public IEnumerable<Document> Read(CancellationToken cancellationToken = default) => read(cancellationToken);
    }
}
