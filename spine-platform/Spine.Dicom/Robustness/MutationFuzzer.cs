using System.Diagnostics;

namespace Spine.Dicom.Robustness;

/// <summary>Figures of one fuzz run.</summary>
public sealed record FuzzReport(
    int Cases,
    int Refused,
    int Accepted,
    long LargestAllocation,
    TimeSpan SlowestCase,
    TimeSpan Elapsed,
    IReadOnlyList<string> Failures)
{
    public bool Passed => Failures.Count == 0;
}

/// <summary>
/// A bounded mutation fuzzer for the reader and the decoders: it damages files (flipped bytes, absurd lengths,
/// truncation, inserted and deleted runs, spliced files), reads each result and decodes its frames, and records
/// any exception that is not the toolkit's own, any case that stops progressing, and the largest managed
/// allocation of a case. Deterministic for a seed.
/// </summary>
public sealed class MutationFuzzer(IReadOnlyList<byte[]> seeds, int seed)
{
    private static readonly uint[] Absurd = [0xFFFFFFFF, 0xFFFFFFFE, 0x7FFFFFFF, 0x80000000, 0x0000FFFF, 0x00010000, 0xFFFF0000];

    /// <summary>A case that allocates more than this fails the run.</summary>
    public long AllocationLimit { get; init; } = 256L * 1024 * 1024;

    /// <summary>A case that has not finished after this long is reported as a hang.</summary>
    public TimeSpan HangAfter { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Where failing inputs are saved, to reproduce them; null: not saved.</summary>
    public string? FailureFolder { get; init; }

    /// <param name="progress">Called with the cases done so far, every fifth of a second while they run.</param>
    public FuzzReport Run(int cases, Action<int>? progress = null)
    {
        var failures = new List<string>();
        var refused = 0;
        var accepted = 0;
        long largest = 0;
        var slowest = TimeSpan.Zero;
        var done = 0;
        byte[]? current = null;
        var total = Stopwatch.StartNew();
        var worker = new Thread(() =>
        {
            var random = new Random(seed);
            for (var i = 0; i < cases; i++)
            {
                current = Mutate(random);
                var before = GC.GetAllocatedBytesForCurrentThread();
                var watch = Stopwatch.StartNew();
                try
                {
                    ReadAndDecode(current);
                    accepted++;
                }
                catch (Exception ex) when (ex is DicomFormatException or DicomCodecException)
                {
                    refused++;
                }
#pragma warning disable CA1031 // Any other exception is exactly what the fuzzer is looking for.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    failures.Add($"case {i}: {ex.GetType().Name}: {ex.Message}{Save(current, i)}");
                }

                var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                largest = Math.Max(largest, allocated);
                slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
                if (allocated > AllocationLimit)
                {
                    failures.Add($"case {i}: allocated {allocated} bytes, over the {AllocationLimit}-byte limit{Save(current, i)}");
                }

                Volatile.Write(ref done, i + 1);
            }
        }, maxStackSize: 16 * 1024 * 1024) { IsBackground = true, Name = "dicom-fuzz" };
        worker.Start();

        var lastDone = -1;
        var lastProgress = Stopwatch.StartNew();
        while (!worker.Join(200))
        {
            var now = Volatile.Read(ref done);
            if (now != lastDone)
            {
                lastDone = now;
                lastProgress.Restart();
                progress?.Invoke(now);
            }
            else if (lastProgress.Elapsed > HangAfter)
            {
                failures.Add($"case {now}: no progress for {HangAfter.TotalSeconds:0} s (hang){Save(current!, now)}");
                return new FuzzReport(now, refused, accepted, largest, lastProgress.Elapsed, total.Elapsed, failures);
            }
        }

        return new FuzzReport(cases, refused, accepted, largest, slowest, total.Elapsed, failures);
    }

    private static void ReadAndDecode(byte[] bytes)
    {
        var file = DicomFile.Read(bytes, "fuzz.dcm");
        _ = ReadAllText(file);
        if (!file.Dataset.Contains(DicomTags.PixelData))
        {
            return;
        }

        var pixels = DicomPixelData.From(file);
        for (var frame = 0; frame < Math.Min(pixels.FrameCount, 3); frame++)
        {
            pixels.DecodeFrame(frame);
        }

        _ = ImagePlane.FramesOf(file.Dataset);
    }

    // Reading every value through the typed accessors exercises the text and number parsing too.
    private static int ReadAllText(DicomFile file)
    {
        var count = 0;
        foreach (var element in file.Dataset)
        {
            if (element.VR.IsText)
            {
                count += file.Dataset.GetStrings(element.Tag).Count;
            }
        }

        return count;
    }

    private byte[] Mutate(Random random)
    {
        var source = seeds[random.Next(seeds.Count)];
        var bytes = (byte[])source.Clone();
        var mutations = 1 + random.Next(4);
        for (var m = 0; m < mutations && bytes.Length > 8; m++)
        {
            switch (random.Next(6))
            {
                case 0: // flip a few bytes
                    for (var k = 0; k < 1 + random.Next(8); k++)
                    {
                        bytes[random.Next(bytes.Length)] ^= (byte)(1 + random.Next(255));
                    }

                    break;
                case 1: // an absurd 32-bit value, often landing on a length field
                {
                    var at = random.Next(bytes.Length - 4);
                    BitConverter.TryWriteBytes(bytes.AsSpan(at), Absurd[random.Next(Absurd.Length)]);
                    break;
                }

                case 2: // an absurd 16-bit value
                {
                    var at = random.Next(bytes.Length - 2);
                    BitConverter.TryWriteBytes(bytes.AsSpan(at), (ushort)(random.Next(2) == 0 ? 0xFFFF : random.Next(65536)));
                    break;
                }

                case 3: // truncate
                    bytes = bytes[..random.Next(bytes.Length)];
                    break;
                case 4: // delete or duplicate a run
                {
                    var at = random.Next(bytes.Length);
                    var length = Math.Min(bytes.Length - at, 1 + random.Next(64));
                    bytes = random.Next(2) == 0
                        ? [.. bytes[..at], .. bytes[(at + length)..]]
                        : [.. bytes[..(at + length)], .. bytes[at..(at + length)], .. bytes[(at + length)..]];
                    break;
                }

                default: // splice the tail of another file
                {
                    var other = seeds[random.Next(seeds.Count)];
                    var at = random.Next(bytes.Length);
                    var from = random.Next(other.Length);
                    bytes = [.. bytes[..at], .. other[from..]];
                    break;
                }
            }
        }

        return bytes;
    }

    private string Save(byte[] bytes, int index)
    {
        if (FailureFolder is null)
        {
            return string.Empty;
        }

        Directory.CreateDirectory(FailureFolder);
        var path = Path.Combine(FailureFolder, $"fuzz-{seed}-{index}.dcm");
        File.WriteAllBytes(path, bytes);
        return $" (saved as {path})";
    }
}
