using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Marks one version that a shared library needs (for example GLIBCXX_3.4.32) as weak (VER_FLG_WEAK) in its
/// .gnu.version_r section, so that the dynamic loader accepts a C++ runtime without that version when nothing
/// binds to it. Fails the build when the library holds no such need.
/// </summary>
public sealed class WeakenElfVersionNeed : Task
{
    private const ushort VersionFlagWeak = 0x2;
    private const uint SectionGnuVersionNeed = 0x6ffffffe;

    [Required]
    public string Library { get; set; } = "";

    [Required]
    public string Version { get; set; } = "";

    public override bool Execute()
    {
        var bytes = File.ReadAllBytes(Library);
        if (bytes.Length < 64 || bytes[0] != 0x7F || bytes[1] != (byte)'E' || bytes[4] != 2 || bytes[5] != 1)
        {
            Log.LogError($"{Library} is not a 64-bit little-endian ELF file.");
            return false;
        }

        var sectionTable = BitConverter.ToInt64(bytes, 0x28);
        var sectionSize = BitConverter.ToUInt16(bytes, 0x3A);
        var sectionCount = BitConverter.ToUInt16(bytes, 0x3C);
        for (var s = 0; s < sectionCount; s++)
        {
            var header = (int)(sectionTable + (s * sectionSize));
            if (BitConverter.ToUInt32(bytes, header + 4) != SectionGnuVersionNeed)
            {
                continue;
            }

            var offset = (int)BitConverter.ToInt64(bytes, header + 0x18);
            var link = BitConverter.ToUInt32(bytes, header + 0x28);
            var strings = (int)BitConverter.ToInt64(bytes, (int)(sectionTable + (link * sectionSize)) + 0x18);
            for (var need = offset; ; )
            {
                var count = BitConverter.ToUInt16(bytes, need + 2);
                var aux = need + (int)BitConverter.ToUInt32(bytes, need + 8);
                for (var a = 0; a < count; a++)
                {
                    var nameOffset = strings + (int)BitConverter.ToUInt32(bytes, aux + 8);
                    var end = Array.IndexOf(bytes, (byte)0, nameOffset);
                    if (Encoding.ASCII.GetString(bytes, nameOffset, end - nameOffset) == Version)
                    {
                        if ((BitConverter.ToUInt16(bytes, aux + 4) & VersionFlagWeak) != 0)
                        {
                            return true; // Already weak: an earlier build patched this copy.
                        }

                        var flags = (ushort)(BitConverter.ToUInt16(bytes, aux + 4) | VersionFlagWeak);
                        BitConverter.GetBytes(flags).CopyTo(bytes, aux + 4);
                        File.WriteAllBytes(Library, bytes);
                        Log.LogMessage(MessageImportance.High, $"{Path.GetFileName(Library)}: version need {Version} marked weak.");
                        return true;
                    }

                    var nextAux = BitConverter.ToUInt32(bytes, aux + 12);
                    if (nextAux == 0)
                    {
                        break;
                    }

                    aux += (int)nextAux;
                }

                var next = BitConverter.ToUInt32(bytes, need + 12);
                if (next == 0)
                {
                    break;
                }

                need += (int)next;
            }
        }

        Log.LogError($"{Library} needs no version {Version}: nothing to weaken (a different TorchSharp build?).");
        return false;
    }
}
