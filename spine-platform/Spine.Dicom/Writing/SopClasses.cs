namespace Spine.Dicom;

public static class SopClasses
{
    public const string MrImageStorage = "1.2.840.10008.5.1.4.1.1.4";
    public const string EnhancedMrImageStorage = "1.2.840.10008.5.1.4.1.1.4.1";
    public const string SecondaryCaptureImageStorage = "1.2.840.10008.5.1.4.1.1.7";
}
