using System.Net;
using System.Net.Sockets;
using Spine.Dicom.Network;
using Spine.Testing;

namespace Spine.Dicom.Tests.Network;

/// <summary>The storage SCP against dcmtk's echoscu and storescu, and against raw malformed PDUs.</summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
public sealed class StorageScpTests : IAsyncLifetime
{
    /// <summary>The calling AE title of the associations a test cuts mid-transfer, so they are counted apart from any other.</summary>
    private const string CutterAeTitle = "CUTTER";

    private readonly RecordingStorageHandler _handler = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("spine-scp-").FullName;
    private DicomServer _server = null!;

    private string Port => _server.LocalEndpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public Task InitializeAsync()
    {
        _server = new DicomServer(
            new DicomServerSettings { AeTitle = "SPINE", AllowedCallingAeTitles = new HashSet<string>(["MODALITY", CutterAeTitle], StringComparer.Ordinal), ArtimTimeout = TimeSpan.FromSeconds(2) },
            _handler,
            new IPEndPoint(IPAddress.Loopback, 0));
        _server.Start();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Echoscu_gets_an_answer()
    {
        var (exit, output) = await DcmtkTool.RunAsync("echoscu", ["-aet", "MODALITY", "-aec", "SPINE", "127.0.0.1", Port]);

        Assert.True(exit == 0, output);
        Assert.Equal([true], _handler.Ended);
    }

    [Fact]
    public async Task Storescu_sends_a_series_and_every_data_set_arrives_byte_identical()
    {
        var files = WriteSeries(12);

        var (exit, output) = await DcmtkTool.RunAsync("storescu", ["-aet", "MODALITY", "-aec", "SPINE", "127.0.0.1", Port, .. files]);

        Assert.True(exit == 0, output);
        Assert.Equal(files.Count, _handler.Stored.Count);
        foreach (var path in files)
        {
            var bytes = await File.ReadAllBytesAsync(path);
            var sop = DicomFile.Read(bytes).Dataset.GetString(DicomTags.SopInstanceUid);
            var stored = Assert.Single(_handler.Stored, s => s.SopInstanceUid == sop);
            Assert.Equal(DicomTransferSyntax.ExplicitVRLittleEndian.Uid, stored.TransferSyntaxUid);
            Assert.True(bytes.AsSpan(DicomClient.DataSetOffset(bytes)).SequenceEqual(stored.DataSet), $"{Path.GetFileName(path)} arrived changed");
        }
    }

    /// <summary>
    /// storescu re-encodes what it reads (it drops group lengths, for one), so "as sent" is judged against dcmtk's own
    /// bit-preserving receiver (storescp -B) fed the same file by the same storescu.
    /// </summary>
    [Fact]
    public async Task Storescu_sends_the_decodable_corpus_files_and_each_is_stored_as_it_came_over_the_wire()
    {
        // Every file of the corpus's "must decode" groups (MANIFEST.md): eight transfer syntaxes, single and multi-frame.
        var files = new[] { "", "_implicit", "_bigendian", "_expb", "_RLE", "_jpeg_ls_lossless", "_jp2klossless", "_padded" }.Select(s => $"pydicom/MR_small{s}.dcm")
            .Concat(Enumerable.Range(1, 9).Select(i => $"dcm_qa_ts/{i}.dcm"))
            .Concat(new[] { "", "_RLE", "_big_endian", "_jpeg_ls_lossless", "_jpeg_2k_lossless" }.Select(s => $"pydicom-data/emri_small{s}.dcm"))
            .Select(Corpus.File).ToList();
        foreach (var path in files)
        {
            var file = DicomFile.Read(await File.ReadAllBytesAsync(path));
            var (exit, output) = await DcmtkTool.RunAsync("storescu", ["-R", Proposal(file.TransferSyntax), "-aet", "MODALITY", "-aec", "SPINE", "127.0.0.1", Port, path]);
            Assert.True(exit == 0, $"{path}: {output}");
            var stored = _handler.Stored.Last();
            Assert.Equal(file.Dataset.GetString(DicomTags.SopInstanceUid), stored.SopInstanceUid);
            Assert.Equal(file.TransferSyntax.Uid, stored.TransferSyntaxUid);

            var wire = await BitPreservingReceiveAsync(path, Proposal(file.TransferSyntax));
            Assert.True(wire.AsSpan(DicomClient.DataSetOffset(wire)).SequenceEqual(stored.DataSet), $"{path}: stored bytes differ from what dcmtk's storescp -B received");
        }

        Assert.Equal(files.Count, _handler.Stored.Count);
    }

    /// <summary>storescu's option that proposes a file's own syntax first (with the uncompressed ones after it).</summary>
    private static string Proposal(DicomTransferSyntax syntax) => syntax.Uid switch
    {
        "1.2.840.10008.1.2.5" => "-xr",
        "1.2.840.10008.1.2.4.80" => "-xt",
        "1.2.840.10008.1.2.4.90" => "-xv",
        "1.2.840.10008.1.2.4.70" => "-xs",
        "1.2.840.10008.1.2" => "-xi",
        "1.2.840.10008.1.2.2" => "-xb",
        _ => "-x=",
    };

    private async Task<byte[]> BitPreservingReceiveAsync(string path, string proposal)
    {
        var received = Directory.CreateDirectory(Path.Combine(_folder, Guid.NewGuid().ToString("n"))).FullName;
        var port = SpineProcess.FreeTcpPort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var storescp = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("storescp", ["-B", "+xa", "-aet", "STORESCP", "-od", received, port]) { UseShellExecute = false })!;
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var (exit, output) = await DcmtkTool.RunAsync("storescu", ["-R", proposal, "-aet", "MODALITY", "-aec", "STORESCP", "127.0.0.1", port, path]);
                if (exit == 0)
                {
                    break;
                }

                Assert.True(attempt < 30, output);
                await Task.Delay(100);
            }

            return await File.ReadAllBytesAsync(Assert.Single(Directory.GetFiles(received)));
        }
        finally
        {
            storescp.Kill();
        }
    }

    [Fact]
    public async Task A_calling_ae_title_not_on_the_list_is_rejected_and_logged()
    {
        var (exit, output) = await DcmtkTool.RunAsync("echoscu", ["-aet", "INTRUDER", "-aec", "SPINE", "127.0.0.1", Port]);

        Assert.NotEqual(0, exit);
        Assert.Contains("Rejected", output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("INTRUDER: calling AE title not recognised", _handler.Refusals);
        Assert.Empty(_handler.Ended);
    }

    [Fact]
    public async Task The_client_stores_into_dcmtk_storescp_and_the_file_arrives_whole()
    {
        var received = Directory.CreateDirectory(Path.Combine(_folder, "received")).FullName;
        var port = SpineProcess.FreeTcpPort();
        using var storescp = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("storescp", ["-aet", "STORESCP", "-od", received, port.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        try
        {
            var path = WriteSeries(1)[0];
            var bytes = await File.ReadAllBytesAsync(path);
            var file = DicomFile.Read(bytes);
            await using var client = await ConnectWhenListeningAsync(port, DicomClient.ContextsFor([(file.Dataset.GetString(DicomTags.SopClassUid)!, file.TransferSyntax.Uid)]));

            Assert.Equal(DimseStatus.Success, await client.EchoAsync());
            Assert.Equal(DimseStatus.Success, await client.StoreAsync(bytes));
            await client.ReleaseAsync();

            var arrived = await File.ReadAllBytesAsync(Assert.Single(Directory.GetFiles(received)));
            Assert.True(bytes.AsSpan(DicomClient.DataSetOffset(bytes)).SequenceEqual(arrived.AsSpan(DicomClient.DataSetOffset(arrived))));
        }
        finally
        {
            storescp.Kill();
        }
    }

    [Fact]
    public async Task The_client_meets_a_rejection_with_its_reason()
    {
        var error = await Assert.ThrowsAsync<DicomAssociationRejectedException>(() =>
            DicomClient.ConnectAsync("127.0.0.1", _server.LocalEndpoint.Port, "INTRUDER", "SPINE", DicomClient.ContextsFor([])));

        Assert.Equal(AssociateReject.CallingAeNotRecognized, error.Reject);
        error = await Assert.ThrowsAsync<DicomAssociationRejectedException>(() =>
            DicomClient.ConnectAsync("127.0.0.1", _server.LocalEndpoint.Port, "MODALITY", "SOMEONE-ELSE", DicomClient.ContextsFor([])));
        Assert.Equal(AssociateReject.CalledAeNotRecognized, error.Reject);
    }

    [Fact]
    public async Task Malformed_pdus_end_their_connection_and_the_server_keeps_serving()
    {
        var valid = PduCodec.Encode(new AssociateRequest(
            new AssociationHeader("SPINE", "MODALITY", 16384, DicomUid.ImplementationClassUid, "FUZZ"),
            DicomClient.ContextsFor([("1.2.840.10008.5.1.4.1.1.4", DicomTransferSyntax.ExplicitVRLittleEndian.Uid)])));
        var random = new Random(20261129);
        List<byte[]> cases =
        [
            [0x09, 0, 0, 0, 0, 4, 1, 2, 3, 4],            // unknown PDU type
            [0x01, 0, 0x7F, 0xFF, 0xFF, 0xFF],             // a 2 GB A-ASSOCIATE-RQ
            [0x04, 0, 0, 0, 0, 6, 0, 0, 0, 2, 1, 3],       // P-DATA before any association
            valid[..40],                                    // cut inside the fixed part
        ];
        for (var i = 0; i < 60; i++)
        {
            var mutated = (byte[])valid.Clone();
            for (var flips = 0; flips < 1 + random.Next(4); flips++)
            {
                mutated[6 + random.Next(mutated.Length - 6)] = (byte)random.Next(256);
            }

            cases.Add(random.Next(4) == 0 ? mutated[..random.Next(6, mutated.Length)] : mutated);
        }

        foreach (var bytes in cases)
        {
            var answer = await SendRawAsync(bytes);
            Assert.True(answer is null or PduType.Abort or PduType.AssociateReject or PduType.AssociateAccept, $"answered {answer}");
        }

        // While other associations are cut mid-transfer (a C-STORE command, half its data set, then the socket closes),
        // a series sent beside them arrives whole.
        var series = WriteSeries(20);
        var sending = DcmtkTool.RunAsync("storescu", ["-aet", "MODALITY", "-aec", "SPINE", "127.0.0.1", Port, .. series]);
        var cut = Enumerable.Range(0, 10).Select(_ => CutMidTransferAsync(series[0])).ToList();
        await Task.WhenAll(cut);
        var (exit, output) = await sending;
        Assert.True(exit == 0, output);
        Assert.Equal(series.Count, _handler.Stored.Count);
        int Cut() => _handler.EndedBy.Count(ended => ended is { Calling: CutterAeTitle, Released: false });
        for (var wait = 0; wait < 100 && Cut() < 10; wait++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(10, Cut());
    }

    private async Task CutMidTransferAsync(string path)
    {
        var bytes = await File.ReadAllBytesAsync(path);
        var file = DicomFile.Read(bytes);
        var contexts = DicomClient.ContextsFor([(file.Dataset.GetString(DicomTags.SopClassUid)!, file.TransferSyntax.Uid)]);
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, _server.LocalEndpoint.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(PduCodec.Encode(new AssociateRequest(new AssociationHeader("SPINE", CutterAeTitle, 16384, DicomUid.ImplementationClassUid, "CUT"), contexts)));
        var accept = PduCodec.ParseAssociateAccept((await PduCodec.ReadAsync(stream, 1 << 20, CancellationToken.None))!.Value.Body);
        var context = accept.Contexts.First(c => c.Accepted && c.Id != 1).Id;
        var command = new DimseCommand
        {
            CommandField = DimseCommand.CStoreRequest, AffectedSopClassUid = file.Dataset.GetString(DicomTags.SopClassUid), MessageId = 1, Priority = 0,
            HasDataSet = true, AffectedSopInstanceUid = DicomUid.Generate(),
        };
        await stream.WriteAsync(PduCodec.EncodeData(context, isCommand: true, isLast: true, command.Encode()));
        var dataSet = bytes.AsMemory(DicomClient.DataSetOffset(bytes));
        await stream.WriteAsync(PduCodec.EncodeData(context, isCommand: false, isLast: false, dataSet.Span[..(dataSet.Length / 2)]));
        tcp.Close();
    }

    [Fact]
    public async Task A_data_set_longer_than_the_limit_is_aborted_while_it_arrives_and_the_server_keeps_serving()
    {
        // A sender that declares a data set and never ends it: before the limit, the server held every byte it sent.
        await using var limited = new DicomServer(
            new DicomServerSettings { AeTitle = "SPINE", AllowedCallingAeTitles = new HashSet<string>(["MODALITY"], StringComparer.Ordinal), MaxDataSetLength = 1024 * 1024 },
            _handler,
            new IPEndPoint(IPAddress.Loopback, 0));
        limited.Start();
        var (tcp, stream, context) = await StartEndlessStoreAsync(limited.LocalEndpoint.Port);
        using var disposeTcp = tcp;

        var sent = 0;
        var fragment = new byte[60 * 1024];
        try
        {
            while (sent < 4 * 1024 * 1024)
            {
                await stream.WriteAsync(PduCodec.EncodeData(context, isCommand: false, isLast: false, fragment));
                sent += fragment.Length;
            }
        }
        catch (IOException)
        {
            // the server has already cut the connection
        }

        PduType? answer;
        try
        {
            answer = (await PduCodec.ReadAsync(stream, 1 << 20, new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token))?.Type;
        }
        catch (IOException)
        {
            answer = null;
        }

        Assert.True(answer is null or PduType.Abort, $"answered {answer} to a data set past the limit");
        Assert.Empty(_handler.Stored);
        await using var echo = await DicomClient.ConnectAsync("127.0.0.1", limited.LocalEndpoint.Port, "MODALITY", "SPINE", DicomClient.ContextsFor([]));
        Assert.Equal(DimseStatus.Success, await echo.EchoAsync());
    }

    [Fact]
    public async Task A_thousand_idle_connections_do_not_keep_a_sender_from_storing()
    {
        // Before the limit, every idle connection waited out the ARTIM timer and there was no bound on how many.
        var idle = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 1000; i++)
            {
                var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, _server.LocalEndpoint.Port);
                idle.Add(tcp);
            }

            await Task.Delay(500);
            Assert.InRange(_server.PendingConnections, 1, 64); // the server holds no more than its limit of them
            var files = WriteSeries(2);
            var (exit, output) = await DcmtkTool.RunAsync("storescu", ["-aet", "MODALITY", "-aec", "SPINE", "127.0.0.1", Port, .. files]);

            Assert.True(exit == 0, output);
            Assert.Equal(2, _handler.Stored.Count);
        }
        finally
        {
            idle.ForEach(tcp => tcp.Dispose());
        }
    }

    [Fact]
    public async Task Ten_thousand_mutated_pdus_on_established_associations_end_each_in_an_abort_a_release_or_a_close_and_the_server_keeps_serving()
    {
        await using var fuzzed = new DicomServer(
            new DicomServerSettings { AeTitle = "SPINE", AllowedCallingAeTitles = new HashSet<string>(["MODALITY"], StringComparer.Ordinal), IdleTimeout = TimeSpan.FromMilliseconds(250), MaxAssociations = 128 },
            _handler,
            new IPEndPoint(IPAddress.Loopback, 0));
        fuzzed.Start();
        var sopClass = "1.2.840.10008.5.1.4.1.1.4";
        var contexts = DicomClient.ContextsFor([(sopClass, DicomTransferSyntax.ExplicitVRLittleEndian.Uid)]);
        var echo = new DimseCommand { CommandField = DimseCommand.CEchoRequest, AffectedSopClassUid = DimseCommand.VerificationSopClass, MessageId = 1 };
        var store = new DimseCommand { CommandField = DimseCommand.CStoreRequest, AffectedSopClassUid = sopClass, MessageId = 2, Priority = 0, HasDataSet = true, AffectedSopInstanceUid = DicomUid.Generate() };
        byte[][] valid = [PduCodec.EncodeData(1, isCommand: true, isLast: true, echo.Encode()), PduCodec.EncodeData(3, isCommand: true, isLast: true, store.Encode()), PduCodec.EncodeData(3, isCommand: false, isLast: true, new byte[64])];
        var outcomes = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();

        // Seeded: bytes flipped, the PDU cut short or lengthened, its length field or type replaced; 64 associations at a time.
        await Parallel.ForAsync(0, 10_000, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
        {
            var random = new Random(i);
            var pdu = Mutate(valid[i % valid.Length], random);
            using var tcp = new TcpClient { NoDelay = true };
            await tcp.ConnectAsync(IPAddress.Loopback, fuzzed.LocalEndpoint.Port);
            var stream = tcp.GetStream();
            await stream.WriteAsync(PduCodec.Encode(new AssociateRequest(new AssociationHeader("SPINE", "MODALITY", 65536, DicomUid.ImplementationClassUid, "FUZZ"), contexts)));
            Assert.Equal(PduType.AssociateAccept, (await PduCodec.ReadAsync(stream, 1 << 20, CancellationToken.None))?.Type);
            string outcome;
            try
            {
                await stream.WriteAsync(pdu);
                using var within = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                var answer = await PduCodec.ReadAsync(stream, 1 << 20, within.Token);
                outcome = answer is null ? "closed" : answer.Value.Type.ToString();
                if (answer?.Type == PduType.Data)
                {
                    // A mutation that left a valid message gets its answer; the association then ends at the idle time.
                    outcome = (await PduCodec.ReadAsync(stream, 1 << 20, within.Token))?.Type.ToString() ?? "closed";
                }
            }
            catch (IOException)
            {
                outcome = "closed";
            }
            catch (DicomNetworkException)
            {
                outcome = "closed"; // the server cut it mid-PDU
            }

            outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
        });

        Assert.Equal(10_000, outcomes.Values.Sum());
        // A type byte mutated into A-RELEASE-RQ is a release the server grants; anything else it aborts or closes.
        Assert.True(outcomes.Keys.All(o => o is "Abort" or "closed" or "ReleaseResponse"), string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}")));
        Assert.True(outcomes.GetValueOrDefault("Abort") > 9_000, string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}")));
        await using var client = await DicomClient.ConnectAsync("127.0.0.1", fuzzed.LocalEndpoint.Port, "MODALITY", "SPINE", DicomClient.ContextsFor([]));
        Assert.Equal(DimseStatus.Success, await client.EchoAsync());
    }

    private static byte[] Mutate(byte[] valid, Random random)
    {
        var pdu = (byte[])valid.Clone();
        switch (random.Next(5))
        {
            case 0:
                for (var flips = random.Next(1, 8); flips > 0; flips--)
                {
                    pdu[random.Next(pdu.Length)] ^= (byte)random.Next(1, 256);
                }

                return pdu;
            case 1:
                return pdu[..random.Next(1, pdu.Length)];
            case 2:
                return [.. pdu, .. System.Security.Cryptography.RandomNumberGenerator.GetBytes(random.Next(1, 64))];
            case 3:
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(pdu.AsSpan(2), (uint)random.Next());
                return pdu;
            default:
                pdu[0] = (byte)random.Next(256);
                return pdu;
        }
    }

    [Fact]
    public async Task A_sender_that_trickles_pdus_is_aborted_when_its_message_outlasts_the_idle_time()
    {
        await using var strict = new DicomServer(
            new DicomServerSettings { AeTitle = "SPINE", AllowedCallingAeTitles = new HashSet<string>(["MODALITY"], StringComparer.Ordinal), IdleTimeout = TimeSpan.FromSeconds(2) },
            _handler,
            new IPEndPoint(IPAddress.Loopback, 0));
        strict.Start();
        var (tcp, stream, context) = await StartEndlessStoreAsync(strict.LocalEndpoint.Port);
        using var disposeTcp = tcp;

        // One small PDU every second: each well inside the idle time, the message never done.
        var started = System.Diagnostics.Stopwatch.StartNew();
        PduType? answer = null;
        try
        {
            while (started.Elapsed < TimeSpan.FromSeconds(10))
            {
                await stream.WriteAsync(PduCodec.EncodeData(context, isCommand: false, isLast: false, new byte[16]));
                await Task.Delay(TimeSpan.FromSeconds(1));
                if (tcp.Available > 0)
                {
                    answer = (await PduCodec.ReadAsync(stream, 1 << 20, CancellationToken.None))?.Type;
                    break;
                }
            }
        }
        catch (IOException)
        {
            answer = PduType.Abort; // cut after the abort was sent
        }

        Assert.Equal(PduType.Abort, answer);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(6), $"aborted only after {started.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task With_a_certificate_every_association_is_tls_and_plain_connections_are_refused()
    {
        var (certificate, pem, _) = TestCertificates.Create(_folder, "spine-test-scp");
        using var disposeCertificate = certificate;
        var handler = new RecordingStorageHandler();
        await using var server = new DicomServer(
            new DicomServerSettings { AeTitle = "SPINE", AllowedCallingAeTitles = new HashSet<string>(["MODALITY"], StringComparer.Ordinal), Certificate = certificate },
            handler, new IPEndPoint(IPAddress.Loopback, 0));
        server.Start();
        var port = server.LocalEndpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var (exit, output) = await DcmtkTool.RunAsync("echoscu", ["+tla", "+cf", pem, "-aet", "MODALITY", "-aec", "SPINE", "127.0.0.1", port]);
        Assert.True(exit == 0, output);
        (exit, output) = await DcmtkTool.RunAsync("storescu", ["+tla", "+cf", pem, "-aet", "MODALITY", "-aec", "SPINE", "127.0.0.1", port, .. WriteSeries(2)]);
        Assert.True(exit == 0, output);
        Assert.Equal(2, handler.Stored.Count);

        (exit, _) = await DcmtkTool.RunAsync("echoscu", ["-to", "5", "-aet", "MODALITY", "-aec", "SPINE", "127.0.0.1", port]);
        Assert.NotEqual(0, exit);
        Assert.Contains(handler.Refusals, r => r.Contains("TLS handshake failed", StringComparison.Ordinal));

        await using var client = await DicomClient.ConnectAsync("127.0.0.1", server.LocalEndpoint.Port, "MODALITY", "SPINE", DicomClient.ContextsFor([]),
            tls: new System.Net.Security.SslClientAuthenticationOptions
            {
                TargetHost = "127.0.0.1",
                RemoteCertificateValidationCallback = (_, presented, _, _) => TestCertificates.IsThis(certificate, presented),
            });
        Assert.Equal(DimseStatus.Success, await client.EchoAsync());
        await client.ReleaseAsync();
    }

    [Fact]
    public async Task A_peer_that_sends_its_release_with_its_last_request_gets_both_answers()
    {
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, _server.LocalEndpoint.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(PduCodec.Encode(new AssociateRequest(new AssociationHeader("SPINE", "MODALITY", 16384, DicomUid.ImplementationClassUid, "PIPELINED"), DicomClient.ContextsFor([]))));
        var accept = PduCodec.ParseAssociateAccept((await PduCodec.ReadAsync(stream, 1 << 20, CancellationToken.None))!.Value.Body);
        var echo = new DimseCommand { CommandField = DimseCommand.CEchoRequest, AffectedSopClassUid = DimseCommand.VerificationSopClass, MessageId = 7 };

        // Both in one write: the server reads the release into its buffer before it answers the echo.
        byte[] pipelined = [.. PduCodec.EncodeData(accept.Contexts.Single(c => c.Accepted).Id, isCommand: true, isLast: true, echo.Encode()), .. PduCodec.ReleaseRequest()];
        await stream.WriteAsync(pipelined);

        var response = await PduCodec.ReadAsync(stream, 1 << 20, new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        Assert.Equal(PduType.Data, response?.Type);
        Assert.Equal(DimseStatus.Success, DimseCommand.Parse(PduCodec.ParseData(response!.Value.Body).Single().Data.Span).Status);
        Assert.Equal(PduType.ReleaseResponse, (await PduCodec.ReadAsync(stream, 1 << 20, new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token))?.Type);
    }

    /// <summary>Writes the bytes, then reads what the server answers before it closes: the PDU type, or null for a plain close.</summary>
    private async Task<PduType?> SendRawAsync(byte[] bytes)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _server.LocalEndpoint.Port);
        var stream = tcp.GetStream();
        try
        {
            await stream.WriteAsync(bytes);
            tcp.Client.Shutdown(SocketShutdown.Send);
            var pdu = await PduCodec.ReadAsync(stream, 1 << 20, new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            return pdu?.Type;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>An association opened by hand and a C-STORE whose command is sent and whose data set the caller sends (or never ends).</summary>
    private static async Task<(TcpClient Tcp, NetworkStream Stream, byte Context)> StartEndlessStoreAsync(int port)
    {
        var sopClass = "1.2.840.10008.5.1.4.1.1.4";
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(PduCodec.Encode(new AssociateRequest(new AssociationHeader("SPINE", "MODALITY", 65536, DicomUid.ImplementationClassUid, "ENDLESS"), DicomClient.ContextsFor([(sopClass, DicomTransferSyntax.ExplicitVRLittleEndian.Uid)]))));
        var accept = PduCodec.ParseAssociateAccept((await PduCodec.ReadAsync(stream, 1 << 20, CancellationToken.None))!.Value.Body);
        var context = accept.Contexts.First(c => c.Accepted && c.Id != 1).Id;
        var command = new DimseCommand { CommandField = DimseCommand.CStoreRequest, AffectedSopClassUid = sopClass, MessageId = 1, Priority = 0, HasDataSet = true, AffectedSopInstanceUid = DicomUid.Generate() };
        await stream.WriteAsync(PduCodec.EncodeData(context, isCommand: true, isLast: true, command.Encode()));
        return (tcp, stream, context);
    }

    private List<string> WriteSeries(int count)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_folder, Guid.NewGuid().ToString("n"))).FullName;
        var study = new StudyIdentity { PatientName = "NETWORK^TEST", PatientId = "NET1", StudyInstanceUid = DicomUid.Generate(), StudyDateTime = new DateTime(2026, 11, 29, 8, 0, 0, DateTimeKind.Unspecified) };
        var series = DicomUid.Generate();
        var frame = DicomUid.Generate();
        var pixels = Enumerable.Range(0, 128 * 128).Select(v => (ushort)(v % 4096)).ToArray();
        var files = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var dataset = ImageBuilders.MrImage(new MrImageSpec
            {
                Study = study, SeriesInstanceUid = series, FrameOfReferenceUid = frame, InstanceNumber = i + 1,
                ImagePositionPatient = [0, 0, 4.0 * i], ImageOrientationPatient = [1, 0, 0, 0, 1, 0], PixelSpacing = [0.7, 0.7], SliceThickness = 4,
                Rows = 128, Columns = 128, Pixels = pixels,
            });
            var path = Path.Combine(folder, $"IM{i:D4}.dcm");
            DicomWriter.WriteFile(path, dataset);
            files.Add(path);
        }

        return files;
    }

    private static async Task<DicomClient> ConnectWhenListeningAsync(int port, IReadOnlyList<ProposedContext> contexts)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await DicomClient.ConnectAsync("127.0.0.1", port, "SPINE", "STORESCP", contexts);
            }
            catch (SocketException) when (attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
