namespace LlmLab.Retrieval.Lexical;

/// <summary>
/// Lucene 4.8's one-byte float ("3.5" layout: 3 mantissa bits, exponent offset 15) used to store each document's
/// length norm <c>1/√length</c>. Decoding loses precision, which changes BM25 scores slightly; reproducing it lets
/// our BM25 match Lucene exactly (<see cref="Bm25LengthNorm.LuceneSmallFloat"/>).
/// </summary>
public static class SmallFloat
{
    const int MantissaBits = 3, ZeroExponent = 15;
    const int Zero = (63 - ZeroExponent) << MantissaBits; // the smallest representable exponent, shifted

    /// <summary>Encodes a non-negative float into one byte, rounding the mantissa down (Lucene's floatToByte315).</summary>
    public static byte Encode(float f)
    {
        int bits = BitConverter.SingleToInt32Bits(f);
        int small = bits >> (24 - MantissaBits); // keep sign, 8 exponent bits and the top 3 mantissa bits
        if (small <= Zero) return bits <= 0 ? (byte)0 : (byte)1; // underflow: 0 stays 0, tiny positives become 1
        if (small >= Zero + 0x100) return 255;                    // overflow: the largest code
        return (byte)(small - Zero);
    }

    /// <summary>Decodes a byte from <see cref="Encode"/> (Lucene's byte315ToFloat).</summary>
    public static float Decode(byte b)
    {
        if (b == 0) return 0f;
        int bits = (b << (24 - MantissaBits)) + ((63 - ZeroExponent) << 24);
        return BitConverter.Int32BitsToSingle(bits);
    }

    /// <summary>The document length Lucene's BM25 sees after a round trip through the norm byte.</summary>
    public static float LossyLength(int length)
    {
        byte code = Encode(1f / (float)Math.Sqrt(length)); // Lucene: boost / (float)Math.sqrt(length)
        // Code 0 would decode to 1/0; Lucene maps it to the reciprocal of the largest code's length instead.
        float f = Decode(code == 0 ? (byte)255 : code);
        float decoded = 1f / (f * f);
        return code == 0 ? 1f / decoded : decoded;
    }
}
