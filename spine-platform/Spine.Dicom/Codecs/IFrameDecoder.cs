namespace Spine.Dicom.Codecs;

/// <summary>Decodes one compressed frame into stored values, little endian, interleaved unless the frame says planar.</summary>
internal interface IFrameDecoder
{
    void Decode(ReadOnlySpan<byte> compressed, FrameInfo frame, Span<byte> destination);
}
