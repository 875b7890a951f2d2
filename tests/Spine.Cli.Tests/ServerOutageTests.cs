using Spine.Cli.Resilience;
using Spine.Testing;

namespace Spine.Cli.Tests;

/// <summary>
/// Six <c>spine serve</c> processes while the object store, the database or the broker is gone for a while: no study is
/// lost, and each is reported once. One pipeline on the broker at a time, with the other real-server tests: exchanges
/// are named by message type and a queue prefix does not separate them, so a second pipeline on the same broker
/// delivers its messages to this fleet's queues (for studies its ledger does not know, which end in error queues).
/// </summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
[Collection(RealServicesCollection.Name)]
public sealed class ServerOutageTests(RabbitMqEndpoint broker, FaultsRabbitMqEndpoint restartedBroker, S3Endpoint s3, PostgresEndpoint postgres)
    : IClassFixture<RabbitMqEndpoint>, IClassFixture<FaultsRabbitMqEndpoint>, IClassFixture<S3Endpoint>, IClassFixture<PostgresEndpoint>, IDisposable
{
    private readonly PipelineStudies _studies = new();

    [Fact]
    public async Task A_minute_without_the_object_store_and_a_minute_without_the_database_lose_no_study()
    {
        _studies.Write(757500, Path.Combine("outage", "store", "a"));
        _studies.Write(757501, Path.Combine("outage", "store", "b"));
        _studies.Write(757502, Path.Combine("outage", "database", "a"));
        _studies.Write(757503, Path.Combine("outage", "database", "b"));
        using var traces = new OtlpTraceReceiver();
        await using var tap = await RabbitMqEventTap.BindAsync(broker.Url, PipelineStudies.ReportExchange);
        await using var pipeline = await DistributedPipeline.StartAsync(broker, s3, postgres, traces, _studies.ImportRoot, gated: true);
        var studies = new List<Guid>();

        // Each outage begins as soon as the studies are in, while they are in the first stages, and lasts a minute; the
        // bus's retries (111 s without the delayed-exchange plugin) outlast it.
        foreach (var (batch, gate) in new[] { ("outage/store", pipeline.StoreGate!), ("outage/database", pipeline.DatabaseGate!) })
        {
            var started = await pipeline.ImportAsync(batch);
            Assert.Equal(2, started.Count);
            studies.AddRange(started);
            var target = gate.Target;
            gate.Close();
            await Task.Delay(TimeSpan.FromSeconds(60));
            gate.Open(target);
            await PipelineStudies.AssertCompletedAsync(pipeline, started, $"{batch}: ");
        }

        await PipelineStudies.AssertEachReportedOnceAsync(pipeline, tap, studies);
        _studies.AssertNoPatientIdentifiers(pipeline, traces);
    }

    [Fact]
    public async Task A_broker_restarted_mid_run_loses_no_study_and_reports_each_once()
    {
        for (var i = 0; i < 3; i++)
        {
            _studies.Write(767600 + i, Path.Combine("restart", $"s{i}"));
        }

        using var traces = new OtlpTraceReceiver();
        // A durable subscriber queue: what is published before the restart waits in it, as it would for a hospital's subscriber.
        await using var tap = await RabbitMqEventTap.BindAsync(restartedBroker.Url, PipelineStudies.ReportExchange, restartedBroker.NewPrefix("tap"));
        await using var pipeline = await DistributedPipeline.StartAsync(restartedBroker, s3, postgres, traces, _studies.ImportRoot);
        var studies = await pipeline.ImportAsync("restart");
        Assert.Equal(3, studies.Count);

        // The broker goes down once the studies are in the analysis stages, for 15 s: every service loses its connection,
        // unacknowledged messages return to their queues on disk, the outbox relays keep what they could not publish.
        await PipelineStudies.WaitForSegmentationToStartAsync(pipeline, studies);
        await restartedBroker.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(15));
        await restartedBroker.StartAsync();

        await PipelineStudies.AssertCompletedAsync(pipeline, studies);
        await PipelineStudies.AssertEachReportedOnceAsync(pipeline, tap, studies);
        _studies.AssertNoPatientIdentifiers(pipeline, traces);
    }

    public void Dispose() => _studies.Dispose();
}
