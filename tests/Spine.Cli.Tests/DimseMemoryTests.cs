using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Spine.Dicom;
using Spine.Dicom.Network;
using Spine.Testing;

namespace Spine.Cli.Tests;

/// <summary>The ingestion service's storage SCP as deployed (its own process), against senders that declare more than it takes.</summary>
public sealed class DimseMemoryTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string MrStorage = "1.2.840.10008.5.1.4.1.1.4";

    [Fact]
    public async Task Sixteen_senders_each_declaring_a_four_gibibyte_data_set_are_aborted_with_the_scp_growing_less_than_64_mib()
    {
        var (http, dimse) = (SpineProcess.FreeTcpPort(), SpineProcess.FreeTcpPort());
        var data = Directory.CreateTempSubdirectory("spine-dimse-memory-").FullName;
        await using var spine = SpineProcess.Start(
            ["serve", "--services", "ingestion", "--urls", $"http://127.0.0.1:{http}"],
            new Dictionary<string, string>
            {
                ["Spine__Storage__FileSystem__Root"] = Path.Combine(data, "objects"),
                ["Spine__Ledger__ConnectionString"] = $"Data Source={Path.Combine(data, "ledger.db")}",
                ["Spine__Ingestion__Dimse__Enabled"] = "true",
                ["Spine__Ingestion__Dimse__Address"] = "127.0.0.1",
                ["Spine__Ingestion__Dimse__Port"] = dimse.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Spine__Ingestion__Dimse__AllowedCallingAeTitles__0"] = "MODALITY",
            });
        using (var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") })
        {
            await HealthEndpoint.WaitForAnswerAsync(client, "/health/ready", spine, TimeSpan.FromSeconds(60), HttpStatusCode.OK);
        }

        // A first association warms the SCP's code paths, so the baseline is the serving process, not a cold one.
        await using (var echo = await DicomClient.ConnectAsync("127.0.0.1", dimse, "MODALITY", "SPINE", DicomClient.ContextsFor([])))
        {
            Assert.Equal(DimseStatus.Success, await echo.EchoAsync());
        }

        await Task.Delay(500);
        var baseline = spine.ResidentMiB();
        var peak = baseline;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, spine.ResidentMiB());
                await Task.Delay(10);
            }
        });

        // Each sender declares Pixel Data of 4 GiB - 16 bytes and then sends as fast as the SCP reads, up to 64 MiB.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => DeclareFourGibibytesAsync(dimse)));
        await sampling.CancelAsync();
        await sampler;

        output.WriteLine($"resident memory {baseline:0} MiB before, {peak:0} MiB at most while 16 senders declared 4 GiB each");
        Assert.All(outcomes, outcome => Assert.True(outcome.Aborted, $"not aborted after {outcome.SentBytes} bytes"));
        Assert.True(peak - baseline < 64, $"the SCP grew from {baseline:0} MiB to {peak:0} MiB");
        await using (var echo = await DicomClient.ConnectAsync("127.0.0.1", dimse, "MODALITY", "SPINE", DicomClient.ContextsFor([])))
        {
            Assert.Equal(DimseStatus.Success, await echo.EchoAsync());
        }

        Assert.Contains("declares 4294967280 bytes", spine.StandardError, StringComparison.Ordinal);
    }

    private static async Task<(bool Aborted, long SentBytes)> DeclareFourGibibytesAsync(int port)
    {
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(PduCodec.Encode(new AssociateRequest(new AssociationHeader("SPINE", "MODALITY", 65536, DicomUid.ImplementationClassUid, "DECLARE"), DicomClient.ContextsFor([(MrStorage, DicomTransferSyntax.ExplicitVRLittleEndian.Uid)]))));
        var accept = PduCodec.ParseAssociateAccept((await PduCodec.ReadAsync(stream, 1 << 20, CancellationToken.None))!.Value.Body);
        var context = accept.Contexts.First(c => c.Accepted && c.Id != 1).Id;
        var command = new DimseCommand { CommandField = DimseCommand.CStoreRequest, AffectedSopClassUid = MrStorage, MessageId = 1, Priority = 0, HasDataSet = true, AffectedSopInstanceUid = DicomUid.Generate() };
        await stream.WriteAsync(PduCodec.EncodeData(context, isCommand: true, isLast: true, command.Encode()));

        // (7FE0,0010) OW with a 32-bit length of 0xFFFFFFF0, then its first pixels.
        var header = new byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(header, 0x7FE0);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), 0x0010);
        (header[4], header[5]) = ((byte)'O', (byte)'W');
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), 0xFFFFFFF0);
        long sent = 0;
        var fragment = new byte[60 * 1024];
        var answer = ReadAnswerAsync(stream);
        try
        {
            await stream.WriteAsync(PduCodec.EncodeData(context, isCommand: false, isLast: false, header));
            while (sent < 64L * 1024 * 1024 && !answer.IsCompleted)
            {
                await stream.WriteAsync(PduCodec.EncodeData(context, isCommand: false, isLast: false, fragment));
                sent += fragment.Length;
            }
        }
        catch (IOException)
        {
            // the SCP has cut the connection after its abort
        }

        return (await answer is null or PduType.Abort && sent < 64L * 1024 * 1024, sent);
    }

    private static async Task<PduType?> ReadAnswerAsync(NetworkStream stream)
    {
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            return (await PduCodec.ReadAsync(stream, 1 << 20, limit.Token))?.Type;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            return null;
        }
    }
}
