using System.Globalization;
using System.Text.Json;

namespace Spine.Dicom;

/// <summary>
/// Writes a data set in the DICOM JSON model (PS3.18 F.2): elements keyed by tag, with "vr" and "Value" (numbers
/// as JSON numbers, person names as objects, sequences as nested objects), binary values inline as base64 or, above
/// a size threshold, as a BulkDataURI.
/// </summary>
public static class DicomJsonWriter
{
    public static void Write(Utf8JsonWriter writer, DicomDataset dataset, int bulkDataThreshold = 1024, Func<DicomElement, string>? bulkDataUri = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(dataset);
        writer.WriteStartObject();
        foreach (var element in dataset)
        {
            writer.WritePropertyName(element.Tag.ToJsonKey());
            WriteElement(writer, dataset, element, bulkDataThreshold, bulkDataUri);
        }

        writer.WriteEndObject();
    }

    private static void WriteElement(Utf8JsonWriter writer, DicomDataset dataset, DicomElement element, int threshold, Func<DicomElement, string>? bulkDataUri)
    {
        writer.WriteStartObject();
        var vr = element.VR == DicomVR.None ? DicomVR.UN : element.VR;
        writer.WriteString("vr", vr.Code);
        if (element.Items is { } items)
        {
            if (items.Count > 0)
            {
                writer.WriteStartArray("Value");
                foreach (var item in items)
                {
                    Write(writer, item, threshold, bulkDataUri);
                }

                writer.WriteEndArray();
            }
        }
        else if (element.Fragments is not null || (IsBinary(vr) && element.Value.Length > threshold))
        {
            writer.WriteString("BulkDataURI", bulkDataUri?.Invoke(element) ?? string.Create(CultureInfo.InvariantCulture, $"#offset={element.Offset}"));
        }
        else if (IsBinary(vr))
        {
            if (!element.Value.IsEmpty)
            {
                writer.WriteBase64String("InlineBinary", element.Value.Span);
            }
        }
        else if (!element.Value.IsEmpty)
        {
            writer.WriteStartArray("Value");
            WriteValues(writer, dataset, element, vr);
            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteValues(Utf8JsonWriter writer, DicomDataset dataset, DicomElement element, DicomVR vr)
    {
        if (vr == DicomVR.AT)
        {
            var span = element.Value.Span;
            for (var i = 0; i + 4 <= span.Length; i += 4)
            {
                var tag = new DicomTag(BitConverter.ToUInt16(span[i..]), BitConverter.ToUInt16(span[(i + 2)..]));
                writer.WriteStringValue(tag.ToJsonKey());
            }

            return;
        }

        if (vr == DicomVR.PN)
        {
            foreach (var name in dataset.GetStrings(element.Tag))
            {
                writer.WriteStartObject();
                var groups = name.Split('=');
                string[] keys = ["Alphabetic", "Ideographic", "Phonetic"];
                for (var g = 0; g < Math.Min(groups.Length, 3); g++)
                {
                    if (groups[g].Length > 0)
                    {
                        writer.WriteString(keys[g], groups[g]);
                    }
                }

                writer.WriteEndObject();
            }

            return;
        }

        if (vr.IsText && vr != DicomVR.DS && vr != DicomVR.IS)
        {
            foreach (var value in dataset.GetStrings(element.Tag))
            {
                if (value.Length == 0)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    writer.WriteStringValue(value);
                }
            }

            return;
        }

        try
        {
            foreach (var number in dataset.GetNumbers(element.Tag))
            {
                WriteNumber(writer, number);
            }
        }
        catch (DicomFormatException)
        {
            // A malformed DS or IS value is shown as the text it is rather than hidden.
            foreach (var value in dataset.GetStrings(element.Tag))
            {
                writer.WriteStringValue(value);
            }
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, double number)
    {
        if (double.IsFinite(number) && number == Math.Floor(number) && Math.Abs(number) < 1e15)
        {
            writer.WriteNumberValue((long)number);
        }
        else if (double.IsFinite(number))
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteStringValue(number.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static bool IsBinary(DicomVR vr) =>
        vr == DicomVR.OB || vr == DicomVR.OD || vr == DicomVR.OF || vr == DicomVR.OL || vr == DicomVR.OV || vr == DicomVR.OW || vr == DicomVR.UN;
}
