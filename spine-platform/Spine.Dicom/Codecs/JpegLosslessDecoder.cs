using System.Buffers.Binary;

namespace Spine.Dicom.Codecs;

/// <summary>
/// JPEG lossless, non-hierarchical, Huffman coded (ITU-T T.81 process 14, SOF3): predictors 1 to 7, point transform,
/// restart intervals, 2 to 16 bits, one or more components in one interleaved scan.
/// </summary>
internal sealed class JpegLosslessDecoder : IFrameDecoder
{
    private const int MaxComponents = 4;

    public void Decode(ReadOnlySpan<byte> compressed, FrameInfo frame, Span<byte> destination)
    {
        var tables = new HuffmanTable?[4];
        int precision = 0, width = 0, height = 0, componentCount = 0, restartInterval = 0;
        var componentIds = new int[MaxComponents];
        var position = 0;
        if (compressed.Length < 4 || compressed[0] != 0xFF || compressed[1] != 0xD8)
        {
            throw new DicomCodecException("JPEG lossless frame does not start with an SOI marker.");
        }

        position = 2;
        while (true)
        {
            var marker = NextMarker(compressed, ref position);
            switch (marker)
            {
                case 0xC3: // SOF3: lossless, Huffman
                {
                    var segment = Segment(compressed, ref position);
                    precision = segment[0];
                    height = BinaryPrimitives.ReadUInt16BigEndian(segment[1..]);
                    width = BinaryPrimitives.ReadUInt16BigEndian(segment[3..]);
                    componentCount = segment[5];
                    if (componentCount is < 1 or > MaxComponents || segment.Length < 6 + 3 * componentCount)
                    {
                        throw new DicomCodecException($"JPEG lossless frame header declares {componentCount} components.");
                    }

                    for (var c = 0; c < componentCount; c++)
                    {
                        componentIds[c] = segment[6 + 3 * c];
                        if (segment[7 + 3 * c] != 0x11)
                        {
                            throw new DicomCodecException("JPEG lossless with subsampled components is not supported.");
                        }
                    }

                    break;
                }

                case 0xC4: // DHT
                    ReadHuffmanTables(Segment(compressed, ref position), tables);
                    break;
                case 0xDD: // DRI
                    restartInterval = BinaryPrimitives.ReadUInt16BigEndian(Segment(compressed, ref position));
                    break;
                case 0xDA: // SOS
                {
                    var segment = Segment(compressed, ref position);
                    if (precision == 0)
                    {
                        throw new DicomCodecException("JPEG lossless scan comes before its SOF3 frame header (or the frame is not lossless).");
                    }

                    var scanComponents = segment[0];
                    if (scanComponents != componentCount)
                    {
                        throw new DicomCodecException("JPEG lossless with components in separate scans is not supported.");
                    }

                    var componentTables = new HuffmanTable[scanComponents];
                    for (var c = 0; c < scanComponents; c++)
                    {
                        var tableId = segment[2 + 2 * c] >> 4;
                        componentTables[c] = tables[tableId & 3] ?? throw new DicomCodecException($"JPEG lossless scan uses Huffman table {tableId}, which is not defined.");
                    }

                    var predictor = segment[1 + 2 * scanComponents];
                    var pointTransform = segment[3 + 2 * scanComponents] & 0x0F;
                    Check(frame, width, height, componentCount, precision);
                    DecodeScan(compressed, ref position, frame, destination, componentTables, predictor, pointTransform, precision, restartInterval);
                    return; // One scan holds the whole frame.
                }

                case 0xD9:
                    throw new DicomCodecException("JPEG lossless frame ends (EOI) before any scan.");
                case 0xC0 or 0xC1 or 0xC2 or 0xC5 or 0xC6 or 0xC7 or 0xC9 or 0xCA or 0xCB or 0xCD or 0xCE or 0xCF:
                    throw new DicomCodecException($"JPEG frame type SOF{marker - 0xC0} is not lossless Huffman (SOF3).");
                default:
                    Segment(compressed, ref position); // APPn, COM and others: skipped.
                    break;
            }
        }
    }

    private static void Check(FrameInfo frame, int width, int height, int components, int precision)
    {
        if (width != frame.Columns || height != frame.Rows || components != frame.SamplesPerPixel)
        {
            throw new DicomCodecException($"JPEG lossless frame is {width}x{height}x{components}; the data set says {frame.Columns}x{frame.Rows}x{frame.SamplesPerPixel}.");
        }

        if (precision is < 2 or > 16 || precision > frame.BitsAllocated)
        {
            throw new DicomCodecException($"JPEG lossless precision {precision} does not fit {frame.BitsAllocated} bits allocated.");
        }
    }

    private static void DecodeScan(ReadOnlySpan<byte> data, ref int position, FrameInfo frame, Span<byte> destination, HuffmanTable[] tables,
        int predictor, int pointTransform, int precision, int restartInterval)
    {
        if (predictor is < 1 or > 7)
        {
            throw new DicomCodecException($"JPEG lossless selection value {predictor} is not 1 to 7.");
        }

        var width = frame.Columns;
        var height = frame.Rows;
        var components = tables.Length;
        var mask = (1 << (precision - pointTransform)) - 1;
        var initial = 1 << (precision - pointTransform - 1);
        var rows = new int[2][];
        rows[0] = new int[width * components];
        rows[1] = new int[width * components];
        var reader = new BitReader(data, position);
        var mcusToRestart = restartInterval;
        var restartPending = true; // The first line after a restart predicts like the first line of the frame.
        var bytesPerSample = frame.BytesPerSample;

        for (var y = 0; y < height; y++)
        {
            var current = rows[y & 1];
            var previous = rows[(y + 1) & 1];
            var firstLine = y == 0 || restartPending;
            restartPending = false;
            for (var x = 0; x < width; x++)
            {
                if (restartInterval > 0)
                {
                    if (mcusToRestart == 0)
                    {
                        reader.Restart();
                        mcusToRestart = restartInterval;
                        firstLine = true;
                        if (x != 0)
                        {
                            throw new DicomCodecException("JPEG lossless restart interval that does not start a line is not supported.");
                        }
                    }

                    mcusToRestart--;
                }

                for (var c = 0; c < components; c++)
                {
                    var i = x * components + c;
                    int prediction;
                    if (firstLine)
                    {
                        prediction = x == 0 ? initial : current[i - components];
                    }
                    else if (x == 0)
                    {
                        prediction = previous[i];
                    }
                    else
                    {
                        var ra = current[i - components];
                        var rb = previous[i];
                        var rc = previous[i - components];
                        prediction = predictor switch
                        {
                            1 => ra,
                            2 => rb,
                            3 => rc,
                            4 => ra + rb - rc,
                            5 => ra + ((rb - rc) >> 1),
                            6 => rb + ((ra - rc) >> 1),
                            _ => (ra + rb) >> 1,
                        };
                    }

                    var value = (prediction + reader.DecodeDifference(tables[c])) & mask;
                    current[i] = value;
                    var sample = value << pointTransform;
                    var index = frame.PlanarConfiguration == 1 && components > 1
                        ? ((c * height * width) + (y * width) + x) * bytesPerSample
                        : ((y * width + x) * components + c) * bytesPerSample;
                    if (bytesPerSample == 1)
                    {
                        destination[index] = (byte)sample;
                    }
                    else
                    {
                        BinaryPrimitives.WriteUInt16LittleEndian(destination[index..], (ushort)sample);
                    }
                }
            }

            if (restartInterval > 0 && mcusToRestart == 0)
            {
                restartPending = true;
            }
        }

        position = reader.Position;
    }

    private static int NextMarker(ReadOnlySpan<byte> data, ref int position)
    {
        while (position + 1 < data.Length)
        {
            if (data[position] == 0xFF && data[position + 1] is not 0xFF and not 0x00)
            {
                var marker = data[position + 1];
                position += 2;
                return marker;
            }

            position++;
        }

        throw new DicomCodecException("JPEG lossless frame ends before its scan.");
    }

    private static ReadOnlySpan<byte> Segment(ReadOnlySpan<byte> data, ref int position)
    {
        if (position + 2 > data.Length)
        {
            throw new DicomCodecException("JPEG lossless frame ends inside a marker segment.");
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(data[position..]);
        if (length < 2 || position + length > data.Length)
        {
            throw new DicomCodecException($"JPEG marker segment of length {length} runs past the end of the frame.");
        }

        var segment = data.Slice(position + 2, length - 2);
        position += length;
        return segment;
    }

    private static void ReadHuffmanTables(ReadOnlySpan<byte> segment, HuffmanTable?[] tables)
    {
        var i = 0;
        while (i < segment.Length)
        {
            var classAndId = segment[i++];
            if (i + 16 > segment.Length)
            {
                throw new DicomCodecException("JPEG Huffman table is cut short.");
            }

            var counts = segment.Slice(i, 16).ToArray();
            i += 16;
            var total = counts.Sum(c => c);
            if (i + total > segment.Length)
            {
                throw new DicomCodecException("JPEG Huffman table declares more values than it holds.");
            }

            tables[classAndId & 3] = new HuffmanTable(counts, segment.Slice(i, total).ToArray());
            i += total;
        }
    }

    /// <summary>Canonical Huffman code of T.81 Annex C, decoded with per-length bounds (F.2.2.3).</summary>
    private sealed class HuffmanTable
    {
        private readonly int[] _maxCode = new int[18];
        private readonly int[] _valueOffset = new int[17];
        private readonly byte[] _values;

        public HuffmanTable(byte[] counts, byte[] values)
        {
            _values = values;
            var code = 0;
            var k = 0;
            for (var length = 1; length <= 16; length++)
            {
                _valueOffset[length] = k - code;
                code += counts[length - 1];
                k += counts[length - 1];
                _maxCode[length] = counts[length - 1] > 0 ? code - 1 : -1;
                code <<= 1;
            }

            _maxCode[17] = int.MaxValue;
        }

        public int Decode(ref BitReader reader)
        {
            var code = reader.ReadBit();
            for (var length = 1; length <= 16; length++)
            {
                if (code <= _maxCode[length])
                {
                    var index = code + _valueOffset[length];
                    if ((uint)index >= (uint)_values.Length)
                    {
                        break;
                    }

                    return _values[index];
                }

                code = (code << 1) | reader.ReadBit();
            }

            throw new DicomCodecException("JPEG lossless data holds a code that its Huffman table does not define.");
        }
    }

    private ref struct BitReader(ReadOnlySpan<byte> data, int position)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position = position;
        private uint _buffer;
        private int _bits;

        public readonly int Position => _position;

        public int ReadBit()
        {
            if (_bits == 0)
            {
                Fill();
            }

            _bits--;
            return (int)((_buffer >> _bits) & 1);
        }

        public int ReadBits(int count)
        {
            var value = 0;
            for (var i = 0; i < count; i++)
            {
                value = (value << 1) | ReadBit();
            }

            return value;
        }

        public int DecodeDifference(HuffmanTable table)
        {
            var category = table.Decode(ref this);
            if (category == 0)
            {
                return 0;
            }

            if (category == 16)
            {
                return 32768;
            }

            if (category > 16)
            {
                throw new DicomCodecException($"JPEG lossless difference category {category} is larger than 16.");
            }

            var bits = ReadBits(category);
            return bits < (1 << (category - 1)) ? bits - (1 << category) + 1 : bits;
        }

        /// <summary>Skips to the RSTn marker that ends a restart interval and empties the bit buffer.</summary>
        public void Restart()
        {
            _bits = 0;
            while (_position + 1 < _data.Length && !(_data[_position] == 0xFF && _data[_position + 1] is >= 0xD0 and <= 0xD7))
            {
                _position++;
            }

            _position += 2;
        }

        private void Fill()
        {
            if (_position >= _data.Length)
            {
                throw new DicomCodecException("JPEG lossless data ends before the frame is complete.");
            }

            var next = _data[_position];
            if (next == 0xFF)
            {
                var following = _position + 1 < _data.Length ? _data[_position + 1] : (byte)0xD9;
                if (following == 0x00)
                {
                    _position += 2; // Stuffed zero after a data byte of 0xFF.
                }
                else
                {
                    // A marker where data should be: the frame is short. Feed zeros so it ends in the error below.
                    throw new DicomCodecException($"JPEG lossless data meets marker FF{following:X2} before the frame is complete.");
                }
            }
            else
            {
                _position++;
            }

            _buffer = next;
            _bits = 8;
        }
    }
}
