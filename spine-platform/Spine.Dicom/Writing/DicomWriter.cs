using System.Buffers.Binary;

namespace Spine.Dicom;

/// <summary>
/// Writes Part 10 files: 128-byte preamble, "DICM", file meta information (explicit VR little endian, with its group
/// length), then the data set in explicit or implicit VR little endian. Sequences and items are written with
/// undefined length and delimiters; other groups' (retired) group length elements are left out.
/// </summary>
public static class DicomWriter
{
    public static void Write(Stream output, DicomDataset dataset, DicomTransferSyntax? transferSyntax = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(dataset);
        var syntax = transferSyntax ?? DicomTransferSyntax.ExplicitVRLittleEndian;
        if (syntax != DicomTransferSyntax.ExplicitVRLittleEndian && syntax != DicomTransferSyntax.ImplicitVRLittleEndian)
        {
            throw new ArgumentException($"Writing {syntax} is not supported; write explicit or implicit VR little endian.", nameof(transferSyntax));
        }

        var sopClass = dataset.GetString(DicomTags.SopClassUid);
        var sopInstance = dataset.GetString(DicomTags.SopInstanceUid);
        if (string.IsNullOrEmpty(sopClass) || string.IsNullOrEmpty(sopInstance))
        {
            throw new ArgumentException("The data set needs SOP Class UID (0008,0016) and SOP Instance UID (0008,0018) to be written as a file.", nameof(dataset));
        }

        output.Write(FileMetaInformation(sopClass, sopInstance, syntax.Uid));
        WriteElements(output, dataset, syntax.ExplicitVR, skip: element => element.Tag.Group == 0x0002 || element.Tag.Element == 0x0000);
    }

    /// <summary>
    /// The start of a Part 10 file: preamble, "DICM" and the file meta information with its group length, for a data
    /// set that follows in <paramref name="transferSyntaxUid"/> (a received one is appended as it came).
    /// </summary>
    public static byte[] FileMetaInformation(string sopClassUid, string sopInstanceUid, string transferSyntaxUid, string? sourceAeTitle = null)
    {
        var meta = new DicomDataset()
            .SetBytes(DicomTags.FileMetaInformationVersion, DicomVR.OB, new byte[] { 0, 1 })
            .SetString(DicomTags.MediaStorageSopClassUid, DicomVR.UI, sopClassUid)
            .SetString(DicomTags.MediaStorageSopInstanceUid, DicomVR.UI, sopInstanceUid)
            .SetString(DicomTags.TransferSyntaxUid, DicomVR.UI, transferSyntaxUid)
            .SetString(DicomTags.ImplementationClassUid, DicomVR.UI, DicomUid.ImplementationClassUid)
            .SetString(DicomTags.ImplementationVersionName, DicomVR.SH, DicomUid.ImplementationVersionName);
        if (!string.IsNullOrEmpty(sourceAeTitle))
        {
            meta.SetString(new DicomTag(0x0002, 0x0016), DicomVR.AE, sourceAeTitle);
        }

        using var metaBytes = new MemoryStream();
        WriteElements(metaBytes, meta, explicitVR: true);
        var groupLength = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(groupLength, (uint)metaBytes.Length);

        using var output = new MemoryStream();
        output.Write(new byte[128]);
        output.Write("DICM"u8);
        WriteElement(output, new DicomElement(DicomTags.FileMetaInformationGroupLength, DicomVR.UL, groupLength), explicitVR: true);
        metaBytes.Position = 0;
        metaBytes.CopyTo(output);
        return output.ToArray();
    }

    public static void WriteFile(string path, DicomDataset dataset, DicomTransferSyntax? transferSyntax = null)
    {
        using var file = File.Create(path);
        Write(file, dataset, transferSyntax);
    }

    public static byte[] ToBytes(DicomDataset dataset, DicomTransferSyntax? transferSyntax = null)
    {
        using var buffer = new MemoryStream();
        Write(buffer, dataset, transferSyntax);
        return buffer.ToArray();
    }

    private static void WriteElements(Stream output, DicomDataset dataset, bool explicitVR, Func<DicomElement, bool>? skip = null)
    {
        foreach (var element in dataset)
        {
            if (skip?.Invoke(element) != true)
            {
                WriteElement(output, element, explicitVR);
            }
        }
    }

    private static void WriteElement(Stream output, DicomElement element, bool explicitVR)
    {
        if (element.Items is { } items)
        {
            WriteHeader(output, element.Tag, DicomVR.SQ, uint.MaxValue, explicitVR);
            foreach (var item in items)
            {
                WriteTagAndLength(output, DicomTags.Item, uint.MaxValue);
                WriteElements(output, item, explicitVR);
                WriteTagAndLength(output, DicomTags.ItemDelimitationItem, 0);
            }

            WriteTagAndLength(output, DicomTags.SequenceDelimitationItem, 0);
            return;
        }

        if (element.Fragments is not null)
        {
            throw new InvalidOperationException($"{element.Tag} holds encapsulated pixel data, which a native transfer syntax cannot carry; decode it first.");
        }

        var value = element.Value.Span;
        var padded = value.Length % 2 == 1;
        var length = (uint)(value.Length + (padded ? 1 : 0));
        if (explicitVR && !element.VR.HasLongLength && length > ushort.MaxValue)
        {
            throw new InvalidOperationException($"{element.Tag} {element.VR} holds {length} bytes; a {element.VR} value has at most 65534.");
        }

        WriteHeader(output, element.Tag, element.VR, length, explicitVR);
        output.Write(value);
        if (padded)
        {
            output.WriteByte(element.VR == DicomVR.UI || !element.VR.IsText ? (byte)0 : (byte)' ');
        }
    }

    private static void WriteHeader(Stream output, DicomTag tag, DicomVR vr, uint length, bool explicitVR)
    {
        if (!explicitVR)
        {
            WriteTagAndLength(output, tag, length);
            return;
        }

        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(header, tag.Group);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], tag.Element);
        header[4] = (byte)vr.First;
        header[5] = (byte)vr.Second;
        if (vr.HasLongLength)
        {
            header[6] = 0;
            header[7] = 0;
            BinaryPrimitives.WriteUInt32LittleEndian(header[8..], length);
            output.Write(header);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)length);
            output.Write(header[..8]);
        }
    }

    private static void WriteTagAndLength(Stream output, DicomTag tag, uint length)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(header, tag.Group);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], tag.Element);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], length);
        output.Write(header);
    }
}
