using System.Numerics;

namespace Spine.Dicom;

/// <summary>UIDs of the form 2.25.&lt;UUID as a decimal integer&gt; (PS3.5 B.2): unique without a registered root.</summary>
public static class DicomUid
{
    /// <summary>Identifies files written by this toolkit, in (0002,0012); fixed so that readers can recognise the implementation.</summary>
    public const string ImplementationClassUid = "2.25.232799412390712391043963218342659498011";

    /// <summary>(0002,0013), at most 16 characters.</summary>
    public const string ImplementationVersionName = "SPINE_DICOM_1";

    public static string Generate() => FromGuid(Guid.NewGuid());

    public static string FromGuid(Guid guid) =>
        "2.25." + new BigInteger(guid.ToByteArray(bigEndian: true), isUnsigned: true, isBigEndian: true).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Whether the text is a valid UID: at most 64 characters, digits and dots, no empty or zero-led components.</summary>
    public static bool IsValid(string? uid) =>
        !string.IsNullOrEmpty(uid) && uid.Length <= 64
        && uid.Split('.').All(part => part.Length > 0 && part.All(char.IsAsciiDigit) && (part.Length == 1 || part[0] != '0'));
}
