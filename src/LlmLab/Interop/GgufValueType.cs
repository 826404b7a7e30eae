namespace LlmLab.Interop;

/// <summary>
/// The type tag of a GGUF metadata value (ggml <c>docs/gguf.md</c>, <c>gguf_metadata_value_type</c>; the numbers are the
/// file's). The CLR type a reader returns for each is in <see cref="GgufFile"/>.
/// </summary>
public enum GgufValueType : uint
{
    /// <summary>byte.</summary>
    UInt8 = 0,
    /// <summary>sbyte.</summary>
    Int8 = 1,
    /// <summary>ushort.</summary>
    UInt16 = 2,
    /// <summary>short.</summary>
    Int16 = 3,
    /// <summary>uint.</summary>
    UInt32 = 4,
    /// <summary>int.</summary>
    Int32 = 5,
    /// <summary>float.</summary>
    Float32 = 6,
    /// <summary>bool (one byte, 0 or 1).</summary>
    Bool = 7,
    /// <summary>string: a uint64 byte length, then UTF-8 bytes without a terminator.</summary>
    String = 8,
    /// <summary>An array: the element type (uint32), the count (uint64), then the elements; arrays of arrays are allowed by
    /// the spec but used by no key we read or write, and are refused.</summary>
    Array = 9,
    /// <summary>ulong.</summary>
    UInt64 = 10,
    /// <summary>long.</summary>
    Int64 = 11,
    /// <summary>double.</summary>
    Float64 = 12,
}
