namespace LlmLab.Inference.Json;

/// <summary>JSON value types, as flags (a schema's <c>type</c> may list several).</summary>
[Flags]
public enum JsonTypes
{
    None = 0,
    Object = 1,
    Array = 2,
    String = 4,
    Number = 8,
    Integer = 16,
    Boolean = 32,
    Null = 64,
    All = Object | Array | String | Number | Integer | Boolean | Null,
}
