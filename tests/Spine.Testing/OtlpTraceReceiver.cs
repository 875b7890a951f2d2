using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Spine.Testing;

/// <summary>One span as an OTLP exporter sent it: the service that sent it, its trace and span ids, its name, its string attributes.</summary>
public sealed record ReceivedSpan(string Service, string TraceId, string SpanId, string ParentSpanId, string Name, IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// A minimal OTLP/HTTP receiver (protobuf encoding) for tests: the services' real OpenTelemetry exporters send their
/// spans here (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf) and the test reads which
/// service sent which span in which trace. Logs and metrics are accepted and dropped. This stands in for a
/// collector only because none can be installed on the test machine; the wire format it reads is the real one.
/// </summary>
public sealed class OtlpTraceReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private readonly Task _loop;

    public OtlpTraceReceiver()
    {
        var port = SpineProcess.FreeTcpPort();
        Endpoint = new Uri($"http://127.0.0.1:{port}");
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public Uri Endpoint { get; }

    public IReadOnlyList<ReceivedSpan> Spans => [.. _spans];

    /// <summary>The environment that points a process's OTLP exporter here, flushing spans quickly.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint.ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "250",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "600000",
    };

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                await AnswerAsync(context);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or HttpListenerException)
            {
                // An export cut off by the receiver's shutdown (or by its sender): the spans already kept stay.
            }
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        if (context.Request.Url?.AbsolutePath == "/v1/traces")
        {
            foreach (var span in ReadTraceRequest(body.ToArray()))
            {
                _spans.Enqueue(span);
            }
        }

        // An empty Export*ServiceResponse is an empty protobuf message.
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/x-protobuf";
        context.Response.ContentLength64 = 0;
        context.Response.Close();
    }

    // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
    internal static IEnumerable<ReceivedSpan> ReadTraceRequest(byte[] message)
    {
        foreach (var (field, resourceSpans) in Fields(message))
        {
            if (field != 1)
            {
                continue;
            }

            // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
            var service = string.Empty;
            var scopes = new List<byte[]>();
            foreach (var (inner, value) in Fields(resourceSpans))
            {
                if (inner == 1)
                {
                    service = Attribute(value, "service.name") ?? string.Empty;
                }
                else if (inner == 2)
                {
                    scopes.Add(value);
                }
            }

            // ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
            foreach (var span in scopes.SelectMany(scope => Fields(scope).Where(f => f.Field == 2).Select(f => f.Value)))
            {
                // Span { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5; repeated KeyValue attributes = 9; }
                var fields = Fields(span).ToList();
                string Hex(int number) => Convert.ToHexStringLower(fields.FirstOrDefault(f => f.Field == number).Value ?? []);
                var name = Encoding.UTF8.GetString(fields.FirstOrDefault(f => f.Field == 5).Value ?? []);
                var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var keyValue in fields.Where(f => f.Field == 9).Select(f => f.Value))
                {
                    var (key, value) = StringAttribute(keyValue);
                    attributes[key] = value;
                }

                yield return new ReceivedSpan(service, Hex(1), Hex(2), Hex(4), name, attributes);
            }
        }
    }

    // Resource { repeated KeyValue attributes = 1; }
    private static string? Attribute(byte[] resource, string key) =>
        Fields(resource).Where(f => f.Field == 1).Select(f => StringAttribute(f.Value)).FirstOrDefault(a => a.Key == key).Value;

    // KeyValue { string key = 1; AnyValue value = 2; } AnyValue { string string_value = 1; ... }: other value kinds read as empty.
    private static (string Key, string Value) StringAttribute(byte[] keyValue)
    {
        var parts = Fields(keyValue).ToList();
        var key = Encoding.UTF8.GetString(parts.FirstOrDefault(p => p.Field == 1).Value ?? []);
        var any = parts.FirstOrDefault(p => p.Field == 2).Value ?? [];
        return (key, Encoding.UTF8.GetString(Fields(any).FirstOrDefault(p => p.Field == 1).Value ?? []));
    }

    /// <summary>The length-delimited fields of a protobuf message; varint and fixed-width fields are skipped.</summary>
    private static IEnumerable<(int Field, byte[] Value)> Fields(byte[] message)
    {
        var offset = 0;
        while (offset < message.Length)
        {
            var tag = ReadVarint(message, ref offset);
            var field = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0:
                    ReadVarint(message, ref offset);
                    break;
                case 1:
                    offset += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message, ref offset);
                    yield return (field, message.AsSpan(offset, length).ToArray());
                    offset += length;
                    break;
                case 5:
                    offset += 4;
                    break;
                default:
                    throw new InvalidDataException($"protobuf wire type {tag & 7} at offset {offset} is not one OTLP uses.");
            }
        }
    }

    private static ulong ReadVarint(byte[] message, ref int offset)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = message[offset++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
