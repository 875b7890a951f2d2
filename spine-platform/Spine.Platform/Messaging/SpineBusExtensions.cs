using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Spine.Contracts.V1;
using Spine.Platform.Hosting;

namespace Spine.Platform.Messaging;

public static class SpineBusExtensions
{
    /// <summary>
    /// MassTransit on the transport that <c>Spine:Bus:Transport</c> names, with kebab-case endpoints, immediate
    /// retries, delayed redelivery where the transport can delay, error queues, and per-endpoint concurrency limits.
    /// The same consumers run on either transport.
    /// </summary>
    public static TBuilder AddSpineBus<TBuilder>(this TBuilder builder, Action<IBusRegistrationConfigurator>? addConsumers = null)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddValidatedOptions<BusOptions, BusOptionsValidator>(BusOptions.Section);

        // The transport decides which registrations exist, so it is read now; the rest is read from validated options.
        var transport = builder.Configuration.GetSection(BusOptions.Section).GetValue(nameof(BusOptions.Transport), BusTransport.InMemory);

        builder.Services.AddSingleton<ReceiveQueues>();
        if (transport == BusTransport.RabbitMq)
        {
            builder.Services.AddHostedService<QueueDepths>();
        }

        builder.Services.AddMassTransit(bus =>
        {
            bus.AddConfigureEndpointsCallback((context, queueName, endpoint) =>
            {
                context.GetRequiredService<ReceiveQueues>().Add(queueName);
                ConfigureEndpoint(context.GetRequiredService<IOptions<BusOptions>>().Value, transport, queueName, endpoint, context);
            });

            addConsumers?.Invoke(bus);

            if (transport == BusTransport.RabbitMq)
            {
                bus.UsingRabbitMq((context, rabbit) =>
                {
                    var options = context.GetRequiredService<IOptions<BusOptions>>().Value;
                    rabbit.Host(options.RabbitMq.Url!);
                    rabbit.PrefetchCount = options.RabbitMq.PrefetchCount;
                    if (options.RabbitMq.DelayedExchangePlugin)
                    {
                        rabbit.UseDelayedMessageScheduler();
                    }

                    UseContractSerialization(rabbit);
                    rabbit.UseConsumeFilter(typeof(StudyTagFilter<>), context);
                    rabbit.ConfigureEndpoints(context, EndpointNames(options));
                });
            }
            else
            {
                bus.UsingInMemory((context, memory) =>
                {
                    var options = context.GetRequiredService<IOptions<BusOptions>>().Value;
                    memory.UseDelayedMessageScheduler();
                    UseContractSerialization(memory);
                    memory.UseConsumeFilter(typeof(StudyTagFilter<>), context);
                    memory.ConfigureEndpoints(context, EndpointNames(options));
                });
            }
        });

        builder.Services.Configure<MassTransitHostOptions>(host =>
        {
            // The host answers /health/live while the broker is still out of reach; /health/ready says it is not ready.
            host.WaitUntilStarted = false;
            host.StopTimeout = TimeSpan.FromSeconds(30);
        });
        return builder;
    }

    private static KebabCaseEndpointNameFormatter EndpointNames(BusOptions options) =>
        new(string.IsNullOrEmpty(options.QueuePrefix) ? null : options.QueuePrefix, includeNamespace: false);

    private static void ConfigureEndpoint(BusOptions options, BusTransport transport, string queueName, IReceiveEndpointConfigurator endpoint, IServiceProvider services)
    {
        var canDelay = transport == BusTransport.InMemory || options.RabbitMq.DelayedExchangePlugin;
        var redeliveries = canDelay ? options.Redelivery.EffectiveIntervals : [];
        if (redeliveries.Count > 0)
        {
            endpoint.UseDelayedRedelivery(redelivery => redelivery.Intervals([.. redeliveries]));
        }

        // Without delayed redelivery (RabbitMQ without its plugin), the immediate retries alone must outlast an outage.
        var retries = canDelay || options.Retry.Intervals is not null || !options.Retry.Enabled ? options.Retry.EffectiveIntervals : RetryOptions.OutageIntervals;
        if (retries.Count > 0)
        {
            endpoint.UseMessageRetry(retry => retry.Intervals([.. retries]));
        }

        if (transport == BusTransport.RabbitMq && options.RabbitMq.QuorumQueues && endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            // A message that never completes (its consumer's process dies on it each time) is moved aside after the
            // delivery limit; retries and the error queue cover the messages that fail with an exception.
            rabbit.SetQuorumQueue();
            rabbit.SetQueueArgument("x-delivery-limit", options.RabbitMq.DeliveryLimit);
            rabbit.BindDeadLetterQueue(queueName + "_poison", queueName + "_poison");
        }

        // What every retry and redelivery could not save ends its study with StudyFailed.
        endpoint.UseFilter(new GiveUpFilter(services, retries.Count, redeliveries.Count));

        var unprefixed = string.IsNullOrEmpty(options.QueuePrefix) || !queueName.StartsWith(options.QueuePrefix, StringComparison.Ordinal)
            ? queueName
            : queueName[options.QueuePrefix.Length..].TrimStart('-');
        if (options.ConcurrencyLimits.TryGetValue(unprefixed, out var limit) || options.ConcurrencyLimits.TryGetValue(queueName, out limit))
        {
            endpoint.ConcurrentMessageLimit = limit;
        }
        else if (options.DefaultConcurrencyLimit is { } defaultLimit)
        {
            endpoint.ConcurrentMessageLimit = defaultLimit;
        }
    }

    // The contracts' source-generated metadata goes first, and absent values are left out as the contracts' own
    // context leaves them out, so the wire shape on the broker is the one the golden files pin.
    private static void UseContractSerialization(IBusFactoryConfigurator bus) =>
        bus.ConfigureJsonSerializerOptions(options =>
        {
            options.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
            if (!options.TypeInfoResolverChain.Contains(SpineContractsJsonContext.Default))
            {
                options.TypeInfoResolverChain.Insert(0, SpineContractsJsonContext.Default);
            }

            return options;
        });
}
