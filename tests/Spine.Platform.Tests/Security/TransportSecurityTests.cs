using Microsoft.Extensions.Options;
using Spine.Platform.Ledger;
using Spine.Platform.Messaging;
using Spine.Platform.Security;
using Spine.Platform.Storage;

namespace Spine.Platform.Tests.Security;

/// <summary>RequireTransportSecurity: a host configured with a plain hop does not start, and is told which setting.</summary>
public sealed class TransportSecurityTests
{
    private static ValidateOptionsResult Validate(bool required, string brokerUrl, bool s3Tls, string ledger) =>
        new TransportSecurityValidator(
            Options.Create(new BusOptions { Transport = BusTransport.RabbitMq, RabbitMq = new RabbitMqOptions { Url = new Uri(brokerUrl) } }),
            Options.Create(new StorageOptions { Provider = StorageProvider.S3, S3 = new S3StorageOptions { UseSsl = s3Tls } }),
            Options.Create(new LedgerOptions { Provider = LedgerProvider.PostgreSql, ConnectionString = ledger }))
        .Validate(null, new SecurityOptions { RequireTransportSecurity = required });

    [Fact]
    public void Plain_hops_are_named_and_their_secrets_are_not()
    {
        var result = Validate(true, "amqp://spine:s3cret@broker:5672/", false, "Host=db;Username=spine;Password=s3cret");

        Assert.True(result.Failed);
        Assert.Collection(result.Failures!,
            broker => Assert.StartsWith("Spine:Bus:RabbitMq:Url must be amqps://", broker, StringComparison.Ordinal),
            s3 => Assert.StartsWith("Spine:Storage:S3:UseSsl must be true", s3, StringComparison.Ordinal),
            database => Assert.StartsWith("Spine:Ledger:ConnectionString must set SSL Mode", database, StringComparison.Ordinal));
        Assert.DoesNotContain("s3cret", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Tls_on_every_hop_passes_and_the_check_is_off_unless_asked_for()
    {
        Assert.True(Validate(true, "amqps://spine:s3cret@broker:5671/", true, "Host=db;Username=spine;Password=s3cret;SSL Mode=VerifyFull").Succeeded);
        Assert.True(Validate(false, "amqp://spine:s3cret@broker:5672/", false, "Host=db").Succeeded);
    }
}
