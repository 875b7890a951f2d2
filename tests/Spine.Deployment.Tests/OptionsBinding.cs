using System.Collections;
using System.Reflection;
using Spine.Ingestion;
using Spine.Platform.Ledger;
using Spine.Platform.Messaging;
using Spine.Platform.Models;
using Spine.Platform.Storage;
using Spine.Reporting;

namespace Spine.Deployment.Tests;

/// <summary>
/// Whether a configuration key (in environment form, <c>Spine__Bus__RabbitMq__Url</c>) names a property of the options
/// class that binds its section, walking nested objects, list indices and dictionary keys as the configuration binder does.
/// </summary>
internal static class OptionsBinding
{
    private static readonly (string Section, Type Options)[] Sections =
    [
        (DimseOptions.Section, typeof(DimseOptions)),
        (IngestionOptions.Section, typeof(IngestionOptions)),
        (BusOptions.Section, typeof(BusOptions)),
        (StorageOptions.Section, typeof(StorageOptions)),
        (LedgerOptions.Section, typeof(LedgerOptions)),
        (ModelsOptions.Section, typeof(ModelsOptions)),
        (ExportOptions.Section, typeof(ExportOptions)),
        (Spine.Platform.Security.SecurityOptions.Section, typeof(Spine.Platform.Security.SecurityOptions)),
    ];

    /// <returns>Null when the key binds; otherwise why not.</returns>
    public static string? Problem(string environmentKey)
    {
        var key = environmentKey.Replace("__", ":", StringComparison.Ordinal);
        var (section, type) = Sections.Where(s => key.StartsWith(s.Section + ":", StringComparison.OrdinalIgnoreCase)).OrderByDescending(s => s.Section.Length).FirstOrDefault();
        if (section is null)
        {
            return $"{environmentKey}: no options class binds this section";
        }

        var current = type!;
        foreach (var segment in key[(section.Length + 1)..].Split(':'))
        {
            if (current.IsGenericType && current.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            {
                current = current.GetGenericArguments()[1];
                continue;
            }

            if (current != typeof(string) && typeof(IEnumerable).IsAssignableFrom(current))
            {
                if (!int.TryParse(segment, out _))
                {
                    return $"{environmentKey}: '{segment}' should be a list index";
                }

                current = current.IsArray ? current.GetElementType()! : current.GetGenericArguments()[0];
                continue;
            }

            var property = current.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || !property.CanWrite && !typeof(IEnumerable).IsAssignableFrom(property.PropertyType))
            {
                return $"{environmentKey}: {current.Name} has no settable property '{segment}'";
            }

            current = property.PropertyType;
        }

        return null;
    }
}
