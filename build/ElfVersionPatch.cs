// MSBuild inline task (see TorchSharpCompat.targets): weakens a GLIBCXX version requirement of an ELF64
// shared library that the system libstdc++ cannot satisfy, and rebinds the one known-empty symbol that needs it.
// ELF layout per the System V gABI and the LSB "Symbol Versioning" chapter (Elf64_Verneed/Vernaux, .gnu.version).
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class LlmLabPatchTorchSharpNative : Task
{
    [Required] public string Library { get; set; } = "";
    [Output] public string Result { get; set; } = "";

    // Symbols known to be safe to rebind: empty initialisation hooks only.
    static readonly HashSet<string> Rebindable = new HashSet<string> { "_ZSt21ios_base_library_initv" };
    const string Replacement = "getpid"; // an existing libc function that takes no argument and has no effect
    const uint ShtDynsym = 11, ShtVerneed = 0x6ffffffe, ShtVersym = 0x6fffffff;
    const ushort VerFlgWeak = 0x2;

    public override bool Execute()
    {
        try
        {
            Result = Patch();
            Log.LogMessage(MessageImportance.Low, "TorchSharp native compat: " + Result);
            return true;
        }
        catch (Exception e)
        {
            Log.LogError("TorchSharp native compatibility patch failed for '{0}': {1}", Library, e.Message);
            return false;
        }
    }

    string Patch()
    {
        byte[] elf = File.ReadAllBytes(Library);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[4] != 2 || elf[5] != 1)
            return "not a little-endian ELF64 file; left alone";
        HashSet<string> system = SystemGlibcxxVersions();
        if (system == null) return "no system libstdc++.so.6 found; left alone";

        ulong shoff = U64(elf, 0x28);
        int shentsize = U16(elf, 0x3A), shnum = U16(elf, 0x3C);
        int verneed = -1, versym = -1, dynsym = -1;
        for (int i = 0; i < shnum; i++)
        {
            uint type = U32(elf, (int)shoff + i * shentsize + 4);
            if (type == ShtVerneed) verneed = i;
            else if (type == ShtVersym) versym = i;
            else if (type == ShtDynsym) dynsym = i;
        }
        if (verneed < 0 || versym < 0 || dynsym < 0) return "no symbol versioning; nothing to do";

        int Sh(int index, int field) => (int)shoff + index * shentsize + field;
        int dynstr = (int)U64(elf, Sh((int)U32(elf, Sh(dynsym, 40)), 24)); // dynsym.sh_link -> .dynstr offset
        int vnOff = (int)U64(elf, Sh(verneed, 24));
        int vnCount = (int)U32(elf, Sh(verneed, 44)); // sh_info = number of Verneed entries

        // 1. Find GLIBCXX requirements the system cannot satisfy; mark them weak.
        var missing = new Dictionary<int, string>(); // version index -> name
        int changes = 0;
        for (int n = 0, vn = vnOff; n < vnCount; n++)
        {
            int cnt = U16(elf, vn + 2), aux = vn + (int)U32(elf, vn + 8);
            for (int a = 0; a < cnt; a++)
            {
                string name = Str(elf, dynstr + (int)U32(elf, aux + 8));
                if (name.StartsWith("GLIBCXX_", StringComparison.Ordinal) && !system.Contains(name))
                {
                    missing[U16(elf, aux + 6)] = name;
                    ushort flags = U16(elf, aux + 4);
                    if ((flags & VerFlgWeak) == 0) { W16(elf, aux + 4, (ushort)(flags | VerFlgWeak)); changes++; }
                }
                aux += (int)U32(elf, aux + 12);
            }
            vn += (int)U32(elf, vn + 12);
        }
        if (missing.Count == 0) return "system libstdc++ provides every required version; no-op";

        // 2. Rebind the undefined symbols that still need a missing version.
        int symOff = (int)U64(elf, Sh(dynsym, 24)), symCount = (int)(U64(elf, Sh(dynsym, 32)) / 24);
        int verOff = (int)U64(elf, Sh(versym, 24));
        for (int s = 1; s < symCount; s++)
        {
            int ver = U16(elf, verOff + 2 * s) & 0x7fff;
            if (!missing.ContainsKey(ver)) continue;
            int sym = symOff + 24 * s;
            int nameAt = dynstr + (int)U32(elf, sym);
            string name = Str(elf, nameAt);
            if (U16(elf, sym + 6) != 0)
                throw new InvalidOperationException("defined symbol " + name + " carries missing version " + missing[ver]);
            if (!Rebindable.Contains(name))
                throw new InvalidOperationException("symbol " + name + " needs " + missing[ver] +
                    ", which this system's libstdc++ lacks, and is not known to be safe to rebind; install GCC 13's libstdc++ or newer");
            byte[] repl = Encoding.ASCII.GetBytes(Replacement + "\0");
            Array.Copy(repl, 0, elf, nameAt, repl.Length);
            W16(elf, verOff + 2 * s, 1); // VER_NDX_GLOBAL
            changes++;
        }
        if (changes == 0) return "already patched";

        // 3. Write a new file and rename it over the old one (never modify a possibly hard-linked file in place),
        //    keeping the original timestamp so incremental copies see an unchanged file.
        DateTime stamp = File.GetLastWriteTimeUtc(Library);
        string tmp = Library + ".llmlab-tmp";
        File.WriteAllBytes(tmp, elf);
        File.SetLastWriteTimeUtc(tmp, stamp);
        File.Replace(tmp, Library, null); // rename(2) on Unix: atomic
        return "patched (" + string.Join(", ", missing.Values) + " made weak)";
    }

    static HashSet<string> SystemGlibcxxVersions()
    {
        string[] dirs = { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/usr/lib", "/lib",
                          "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu" };
        foreach (string d in dirs)
        {
            string p = Path.Combine(d, "libstdc++.so.6");
            if (!File.Exists(p)) continue;
            string text = Encoding.ASCII.GetString(File.ReadAllBytes(p));
            var set = new HashSet<string>();
            int i = 0;
            while ((i = text.IndexOf("GLIBCXX_", i, StringComparison.Ordinal)) >= 0)
            {
                int end = i + 8;
                while (end < text.Length && (char.IsDigit(text[end]) || text[end] == '.')) end++;
                if (end < text.Length && text[end] == '\0') set.Add(text.Substring(i, end - i));
                i = end;
            }
            return set;
        }
        return null;
    }

    static ushort U16(byte[] b, int o) => BitConverter.ToUInt16(b, o);
    static uint U32(byte[] b, int o) => BitConverter.ToUInt32(b, o);
    static ulong U64(byte[] b, int o) => BitConverter.ToUInt64(b, o);
    static void W16(byte[] b, int o, ushort v) { b[o] = (byte)v; b[o + 1] = (byte)(v >> 8); }
    static string Str(byte[] b, int o) { int e = o; while (b[e] != 0) e++; return Encoding.ASCII.GetString(b, o, e - o); }
}
