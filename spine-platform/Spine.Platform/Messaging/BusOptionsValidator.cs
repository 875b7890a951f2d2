using Microsoft.Extensions.Options;
using Spine.Platform.Hosting;

namespace Spine.Platform.Messaging;

internal sealed class BusOptionsValidator : IValidateOptions<BusOptions>
{
    public ValidateOptionsResult Validate(string? name, BusOptions options)
    {
        var failures = new OptionsFailures(BusOptions.Section);
        if (options.Transport == BusTransport.RabbitMq)
        {
            var url = options.RabbitMq.Url;
            if (url is null)
            {
                failures.Add("RabbitMq:Url", "is required when Spine:Bus:Transport is RabbitMq (for example amqp://user:password@rabbitmq:5672/).");
            }
            else if (!url.IsAbsoluteUri || (url.Scheme != "amqp" && url.Scheme != "amqps"))
            {
                failures.Add("RabbitMq:Url", "must be an absolute amqp:// or amqps:// URL.");
            }

            if (options.RabbitMq.DeliveryLimit < 1)
            {
                failures.Add("RabbitMq:DeliveryLimit", "must be at least 1.");
            }

            if (options.RabbitMq.PrefetchCount == 0)
            {
                failures.Add("RabbitMq:PrefetchCount", "must be at least 1.");
            }
        }

        if (options.QueuePrefix is { Length: > 0 } prefix && !prefix.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            failures.Add("QueuePrefix", "may hold only lowercase letters, digits and hyphens.");
        }

        if (options.DefaultConcurrencyLimit is < 1)
        {
            failures.Add("DefaultConcurrencyLimit", "must be at least 1.");
        }

        foreach (var (endpoint, limit) in options.ConcurrencyLimits.Where(pair => pair.Value < 1))
        {
            failures.Add($"ConcurrencyLimits:{endpoint}", $"is {limit}; it must be at least 1.");
        }

        if (options.Retry.EffectiveIntervals.Any(interval => interval < TimeSpan.Zero))
        {
            failures.Add("Retry:Intervals", "must not be negative.");
        }

        if (options.Redelivery.EffectiveIntervals.Any(interval => interval <= TimeSpan.Zero))
        {
            failures.Add("Redelivery:Intervals", "must be positive.");
        }

        return failures.Result();
    }
}
