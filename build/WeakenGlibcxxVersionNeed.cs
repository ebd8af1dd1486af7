using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>Marks one GNU version-need (Vernaux) entry of every libLibTorchSharp.so under a folder as WEAK.</summary>
public class WeakenGlibcxxVersionNeed : Task
{
    [Required] public string Directory { get; set; } = "";
    [Required] public string Version { get; set; } = "";

    const uint SHT_GNU_verneed = 0x6ffffffe;
    const ushort VER_FLG_WEAK = 0x2;

    public override bool Execute()
    {
        if (!System.IO.Directory.Exists(Directory)) return true;
        if (SystemRuntimeHasVersion())
        {
            Log.LogMessage(MessageImportance.Low, $"System libstdc++ provides {Version}; TorchSharp native left as shipped.");
            return true;
        }
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "libLibTorchSharp.so", SearchOption.AllDirectories))
        {
            try
            {
                var outcome = Patch(path);
                Log.LogMessage(MessageImportance.Normal, $"{path}: {outcome}");
            }
            catch (Exception e)
            {
                Log.LogWarning($"Could not make {path} loadable on this C++ runtime ({e.Message}); TorchSharp may fail to load.");
            }
        }
        return true;
    }

    bool SystemRuntimeHasVersion()
    {
        string[] candidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
        };
        var needle = Encoding.ASCII.GetBytes(Version + "\0");
        foreach (var candidate in candidates)
        {
            if (!File.Exists(candidate)) continue;
            var bytes = File.ReadAllBytes(candidate);
            return IndexOf(bytes, needle) >= 0;
        }
        return false; // unknown runtime: patching is harmless, the entry only becomes optional
    }

    string Patch(string path)
    {
        var stamp = File.GetLastWriteTimeUtc(path);
        var elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F' || elf[4] != 2 || elf[5] != 1)
            return "not a little-endian ELF64 file, skipped";
        ulong shoff = BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)shoff + i * shentsize);
            if (BitConverter.ToUInt32(elf, sh + 4) != SHT_GNU_verneed) continue;
            int offset = checked((int)BitConverter.ToUInt64(elf, sh + 0x18));
            int link = (int)BitConverter.ToUInt32(elf, sh + 0x28);
            int strtab = checked((int)BitConverter.ToUInt64(elf, (int)shoff + link * shentsize + 0x18));
            int verneed = offset;
            while (true)
            {
                int count = BitConverter.ToUInt16(elf, verneed + 2);
                int aux = verneed + (int)BitConverter.ToUInt32(elf, verneed + 8);
                for (int a = 0; a < count; a++)
                {
                    string name = ReadString(elf, strtab + (int)BitConverter.ToUInt32(elf, aux + 8));
                    if (name == Version)
                    {
                        ushort flags = BitConverter.ToUInt16(elf, aux + 4);
                        if ((flags & VER_FLG_WEAK) != 0) return $"{Version} already weak";
                        BitConverter.GetBytes((ushort)(flags | VER_FLG_WEAK)).CopyTo(elf, aux + 4);
                        var temp = path + ".patching";
                        File.WriteAllBytes(temp, elf);
                        File.Delete(path);
                        File.Move(temp, path);
                        File.SetLastWriteTimeUtc(path, stamp);
                        return $"marked {Version} weak";
                    }
                    aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                }
                uint next = BitConverter.ToUInt32(elf, verneed + 12);
                if (next == 0) break;
                verneed += (int)next;
            }
        }
        return $"no need for {Version}, left as is";
    }

    static string ReadString(byte[] bytes, int start)
    {
        int end = start;
        while (bytes[end] != 0) end++;
        return Encoding.ASCII.GetString(bytes, start, end - start);
    }

    static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i <= haystack.Length - needle.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }
}
