using System.Runtime.InteropServices;
using System.Text;

namespace LlmLab.Data.Dedup;

/// <summary>
/// Unicode NFKC that works in this project's processes, which run with <c>InvariantGlobalization</c> (there,
/// <see cref="string.Normalize(NormalizationForm)"/> returns its input unchanged). Outside invariant mode .NET's own
/// normaliser is used; inside it, ICU's <c>unorm2_normalize</c> with the NFKC instance is called directly (ICU is what
/// .NET itself normalises with on Linux and macOS; Windows 10 1903+ ships it as icu.dll). Thread-safe: ICU's
/// normaliser instances are immutable singletons.
/// </summary>
internal static class IcuNfkc
{
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate IntPtr GetInstanceFn(ref int error);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int NormalizeFn(IntPtr normalizer, IntPtr src, int length, IntPtr dest, int capacity, ref int error);

    sealed record Icu(IntPtr Instance, NormalizeFn Normalize);

    static readonly Lazy<Icu?> Loaded = new(Load);

    static bool Invariant => AppContext.TryGetSwitch("System.Globalization.Invariant", out bool on) && on
        || Environment.GetEnvironmentVariable("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT") is "1" or "true";

    /// <summary>The NFKC form of <paramref name="text"/>.</summary>
    /// <exception cref="InputException">Invariant mode and no ICU library found: the message says what to install.</exception>
    public static string Normalize(string text)
    {
        if (Ascii.IsValid(text)) return text; // ASCII is its own NFKC form: the common case costs nothing
        if (!Invariant) return text.Normalize(NormalizationForm.FormKC);
        var icu = Loaded.Value ?? throw new InputException("Unicode NFKC normalisation needs the ICU library (libicu), which was not " +
            "found; install it (Debian/Ubuntu: apt-get install libicu72 or the libicu of your release) or drop nfkc from --normalize");
        // NFKC can expand text (ﬃ → ffi: 3×; a few characters up to 18×): retry once with the size ICU asks for.
        int capacity = text.Length * 3 + 16;
        for (int attempt = 0; ; attempt++)
        {
            var dest = new char[capacity];
            var hs = GCHandle.Alloc(text, GCHandleType.Pinned);
            var hd = GCHandle.Alloc(dest, GCHandleType.Pinned);
            try
            {
                int error = 0;
                int n = icu.Normalize(icu.Instance, hs.AddrOfPinnedObject(), text.Length, hd.AddrOfPinnedObject(), capacity, ref error);
                if (error == 15 && attempt == 0) { capacity = n; continue; } // U_BUFFER_OVERFLOW_ERROR
                if (error > 0) throw new InvalidOperationException($"ICU unorm2_normalize failed with UErrorCode {error}");
                return new string(dest, 0, n);
            }
            finally { hs.Free(); hd.Free(); }
        }
    }

    static Icu? Load()
    {
        var names = new List<string> { "libicuuc.so" };
        for (int v = 90; v >= 50; v--) names.Add($"libicuuc.so.{v}");
        names.AddRange(["icuuc.dll", "icu.dll", "libicucore.dylib", "libicuuc.dylib"]);
        foreach (string name in names)
        {
            if (!NativeLibrary.TryLoad(name, out IntPtr lib)) continue;
            // ICU suffixes its symbols with its major version unless built without renaming (Windows' icu.dll, macOS).
            string suffix = name.StartsWith("libicuuc.so.", StringComparison.Ordinal) ? "_" + name["libicuuc.so.".Length..] : "";
            foreach (string s in new[] { suffix, "" }.Distinct())
                if (NativeLibrary.TryGetExport(lib, "unorm2_getNFKCInstance" + s, out IntPtr get) &&
                    NativeLibrary.TryGetExport(lib, "unorm2_normalize" + s, out IntPtr norm))
                {
                    int error = 0;
                    IntPtr instance = Marshal.GetDelegateForFunctionPointer<GetInstanceFn>(get)(ref error);
                    if (error <= 0 && instance != IntPtr.Zero)
                        return new Icu(instance, Marshal.GetDelegateForFunctionPointer<NormalizeFn>(norm));
                }
        }
        return null;
    }
}
