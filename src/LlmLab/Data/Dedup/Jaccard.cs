namespace LlmLab.Data.Dedup;

/// <summary>Exact Jaccard similarity |A ∩ B| / |A ∪ B| of two sets held as sorted arrays without repeats. Thread-safe.</summary>
public static class Jaccard
{
    /// <summary>The similarity of two sorted distinct sets; 1 when both are empty (equal sets), 0 when one is.</summary>
    public static double Of(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        if (a.Length == 0 || b.Length == 0) return a.Length == b.Length ? 1 : 0;
        int inter = Intersection(a, b);
        return inter / (double)(a.Length + b.Length - inter);
    }

    /// <summary>|A ∩ B| by merging the sorted arrays.</summary>
    public static int Intersection(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        int i = 0, j = 0, n = 0;
        while (i < a.Length && j < b.Length)
        {
            ulong x = a[i], y = b[j];
            if (x == y) { n++; i++; j++; }
            else if (x < y) i++;
            else j++;
        }
        return n;
    }

    /// <summary>An upper bound that needs only the sizes: J ≤ min(|A|, |B|) / max(|A|, |B|). Pairs below the threshold
    /// by this bound cannot reach it, so brute-force searches may skip them and stay exact.</summary>
    public static double UpperBound(int sizeA, int sizeB) =>
        sizeA == 0 && sizeB == 0 ? 1 : Math.Min(sizeA, sizeB) / (double)Math.Max(sizeA, sizeB);
}
