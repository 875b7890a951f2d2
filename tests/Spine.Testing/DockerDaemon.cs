using System.Net.Sockets;

namespace Spine.Testing;

/// <summary>Whether a Docker daemon answers, so that Testcontainers can stand in for servers the test script did not start.</summary>
public static class DockerDaemon
{
    private static readonly Lazy<bool> Answers = new(Probe);

    public static bool IsAvailable => Answers.Value;

    private static bool Probe()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (!string.IsNullOrEmpty(host) && !host.StartsWith("unix://", StringComparison.Ordinal))
        {
            return true; // A TCP daemon: let Testcontainers find out.
        }

        var socketPath = string.IsNullOrEmpty(host) ? "/var/run/docker.sock" : host["unix://".Length..];
        if (!File.Exists(socketPath))
        {
            return false;
        }

        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

/// <summary>A server the tests need is neither configured nor startable: says how to provide it.</summary>
public sealed class TestServiceUnavailableException(string service, string variable)
    : Exception($"{service} is needed by this test but is not available: {variable} is not set and no Docker daemon answers for Testcontainers. " +
                "Start the test servers with `tests/infra/test-services.sh start` and `source .test-services/env`, " +
                "or run the whole suite with `tests/run.sh`.");
