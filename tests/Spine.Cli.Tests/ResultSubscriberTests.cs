using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Spine.Contracts.V1;
using Spine.Ingestion;
using Spine.Phantom;
using Spine.Testing;

namespace Spine.Cli.Tests;

/// <summary>
/// docs/subscribing.md's example in a second language (Node.js, docs/examples/subscriber): bound to the exchange the
/// AsyncAPI document names, it receives the report of a real run over RabbitMQ and validates it against the document's
/// schema, knowing nothing of the platform's .NET code. With the other real-server tests, one at a time: a pipeline on
/// RabbitMQ publishes to exchanges named by message type, which a queue prefix does not separate, so a fleet running at
/// the same time on the same broker would receive this platform's messages for studies its ledger does not know.
/// </summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
[Collection(RealServicesCollection.Name)]
public sealed class ResultSubscriberTests(RabbitMqEndpoint broker) : IClassFixture<RabbitMqEndpoint>
{
    [Fact]
    public async Task The_node_subscriber_of_the_guide_receives_a_real_runs_report_and_finds_it_valid_against_the_asyncapi_schema()
    {
        var modules = Environment.GetEnvironmentVariable("SPINE_TEST_NODE_PATH")
            ?? throw new TestServiceUnavailableException("the subscriber example's Node packages", "SPINE_TEST_NODE_PATH");
        var folder = Directory.CreateTempSubdirectory("spine-subscriber-").FullName;
        File.Copy(Path.Combine(RepositoryLayout.Root, "docs", "examples", "subscriber", "subscriber.mjs"), Path.Combine(folder, "subscriber.mjs"));
        File.CreateSymbolicLink(Path.Combine(folder, "node_modules"), modules); // ES modules resolve packages beside the script, not by NODE_PATH

        var start = new ProcessStartInfo("node", ["subscriber.mjs", broker.Url.ToString(), Path.Combine(RepositoryLayout.Root, "docs", "api", "asyncapi.v1.json")])
        {
            WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var subscriber = Process.Start(start)!;
        var lines = new BlockingCollection<string>();
        var errors = new ConcurrentQueue<string>();
        subscriber.OutputDataReceived += (_, e) => { if (e.Data is { } line) lines.Add(line); };
        var bound = new TaskCompletionSource();
        subscriber.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                errors.Enqueue(line);
                if (line.StartsWith("bound ", StringComparison.Ordinal))
                {
                    bound.TrySetResult();
                }
            }
        };
        subscriber.BeginOutputReadLine();
        subscriber.BeginErrorReadLine();
        try
        {
            await bound.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var settings = new Dictionary<string, string?>
            {
                ["Spine:Bus:Transport"] = "RabbitMq",
                ["Spine:Bus:RabbitMq:Url"] = broker.Url.ToString(),
                ["Spine:Bus:QueuePrefix"] = broker.NewPrefix("subscriber"),
            };
            await using var platform = await EmbeddedPlatform.StartAsync(SpineModules.Pipeline, EmbeddedPlatform.Record<StudyReportPublished>, settings);
            PhantomWriter.WriteStudy(PhantomGenerator.Generate(new PhantomOptions { Seed = 818181, Distractors = false }), Path.Combine(platform.Root, "study"));
            var study = Assert.Single(await platform.Service<FolderImport>().ImportAsync(Path.Combine(platform.Root, "study", "dicom"))).StudyId;
            await platform.WaitForAsync<StudyReportPublished>(m => m.StudyId == study, seconds: 180);

            // Other tests' studies may pass the same exchange: this study's line is the one awaited.
            JsonNode? received = null;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (received is null && lines.TryTake(out var line, deadline - DateTime.UtcNow))
            {
                var node = JsonNode.Parse(line)!;
                received = node["studyId"]!.GetValue<string>() == study.ToString() ? node : null;
            }

            Assert.True(received is not null, $"the subscriber printed no line for study {study}:\n{string.Join('\n', errors)}");
            Assert.Equal(5, received!["levels"]!.GetValue<int>());
            Assert.DoesNotContain(errors, line => line.StartsWith("invalid event", StringComparison.Ordinal));
        }
        finally
        {
            subscriber.Kill(entireProcessTree: true);
            await subscriber.WaitForExitAsync();
            Directory.Delete(folder, recursive: true);
        }
    }
}
