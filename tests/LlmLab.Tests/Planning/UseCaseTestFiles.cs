using System.Text.Json;
using System.Text.Json.Nodes;
using LlmLab.Planning;

namespace LlmLab.Tests.Planning;

/// <summary>Temp files for the use-case tests: the worked examples, and variants of them as YAML or JSON.</summary>
public sealed class UseCaseTestFiles : IDisposable
{
    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "llmlab-usecase-" + Guid.NewGuid().ToString("N"));

    public UseCaseTestFiles() => Directory.CreateDirectory(Dir);

    public static string ExamplesFolder =>
        UseCaseExamples.FindFolder() ?? throw new InvalidOperationException("examples/usecases not found above the test's folder");

    public static string Example(int i) => Path.Combine(ExamplesFolder, UseCaseExamples.FileNames[i]);

    public static string ExampleText(int i) => File.ReadAllText(Example(i));

    public static JsonObject ExampleTree(int i) => (JsonObject)UseCaseFile.Load(Example(i))!;

    /// <summary>Writes <paramref name="text"/> to a file of that name in the temp folder; returns its path.</summary>
    public string Write(string name, string text)
    {
        string path = Path.Combine(Dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Writes a tree as indented JSON.</summary>
    public string WriteJson(string name, JsonNode tree) =>
        Write(name, tree.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
