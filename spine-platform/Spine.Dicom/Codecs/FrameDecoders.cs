namespace Spine.Dicom.Codecs;

/// <summary>Which decoder handles which transfer syntax.</summary>
internal static class FrameDecoders
{
    private static readonly RleDecoder Rle = new();
    private static readonly JpegDctDecoder JpegDct = new();
    private static readonly JpegLosslessDecoder JpegLossless = new();
    private static readonly CharLSDecoder JpegLS = new();
    private static readonly OpenJpegDecoder Jpeg2000 = new();

    public static IFrameDecoder? For(DicomTransferSyntax syntax) => syntax.Uid switch
    {
        "1.2.840.10008.1.2.5" => Rle,
        "1.2.840.10008.1.2.4.50" or "1.2.840.10008.1.2.4.51" => JpegDct,
        "1.2.840.10008.1.2.4.57" or "1.2.840.10008.1.2.4.70" => JpegLossless,
        "1.2.840.10008.1.2.4.80" or "1.2.840.10008.1.2.4.81" => JpegLS,
        "1.2.840.10008.1.2.4.90" or "1.2.840.10008.1.2.4.91" => Jpeg2000,
        _ => null,
    };
}
