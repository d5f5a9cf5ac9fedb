using System.Globalization;
using System.Net.Sockets;
using DotNet.Testcontainers.Configurations;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Testcontainers.RabbitMq;

namespace Aims.Risk.IntegrationTests.Broker;

/// <summary>
/// The RabbitMQ broker the integration tests share. In order: the broker named by the AIMS_RISK_TEST_RABBITMQ_*
/// variables; a broker answering on localhost:5672; a Testcontainers broker where a Docker engine answers.
/// With none of these the tests fail rather than skip: they are part of the required suite, and tests/run.sh
/// installs and starts a broker before it runs them.
/// </summary>
/// <remarks>
/// All tests share the broker's default virtual host. Isolation comes from names: each test declares its queues
/// and exchanges with <see cref="UniqueName"/> (exclusive or auto-delete where it can), which works the same on
/// every broker, whereas a virtual host per test would need rabbitmqctl on the same machine or the management
/// plugin, which Debian's broker does not enable.
/// </remarks>
public sealed class RabbitMqFixture : IAsyncLifetime
{
    public const string HostVariable = "AIMS_RISK_TEST_RABBITMQ_HOST";
    public const string PortVariable = "AIMS_RISK_TEST_RABBITMQ_PORT";
    public const string UserVariable = "AIMS_RISK_TEST_RABBITMQ_USER";
    public const string PasswordVariable = "AIMS_RISK_TEST_RABBITMQ_PASSWORD";

    /// <summary>The virtual host the tests use; tests/run.sh creates its own and sets this, so tests never touch a worker on "/".</summary>
    public const string VirtualHostVariable = "AIMS_RISK_TEST_RABBITMQ_VHOST";

    private const string Image = "rabbitmq:3.13-management";
    private const int AmqpPort = 5672;
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan ConnectionTimeout = TimeSpan.FromSeconds(10);

    private RabbitMqContainer? container;

    public string Host { get; private set; } = "localhost";

    public int Port { get; private set; } = AmqpPort;

    public string Username { get; private set; } = "guest";

    public string Password { get; private set; } = "guest";

    public string VirtualHost { get; private set; } = "/";

    /// <summary>A queue or exchange name no other test uses, so tests sharing the broker do not see each other's messages.</summary>
    public static string UniqueName(string role) => $"aims.risk.tests.{role}.{Guid.NewGuid():N}";

    public ConnectionFactory CreateConnectionFactory() => new()
    {
        HostName = Host,
        Port = Port,
        UserName = Username,
        Password = Password,
        VirtualHost = VirtualHost,
        ClientProvidedName = "aims-risk-integration-tests",
        RequestedConnectionTimeout = ConnectionTimeout,
    };

    public Task<IConnection> CreateConnectionAsync(CancellationToken cancellationToken = default) =>
        CreateConnectionFactory().CreateConnectionAsync(cancellationToken);

    public async Task InitializeAsync()
    {
        Username = Variable(UserVariable) ?? Username;
        Password = Variable(PasswordVariable) ?? Password;
        VirtualHost = Variable(VirtualHostVariable) ?? VirtualHost;
        var host = Variable(HostVariable);
        var port = Variable(PortVariable);

        if (host is not null || port is not null)
        {
            Host = host ?? Host;
            Port = port is null ? AmqpPort : int.Parse(port, NumberStyles.None, CultureInfo.InvariantCulture);
            await EnsureAmqpAnswersAsync($"the broker named by {HostVariable}/{PortVariable}");
            return;
        }

        if (await PortAcceptsAsync())
        {
            await EnsureAmqpAnswersAsync($"the broker listening on {Host}:{Port}");
            return;
        }

        if (DockerIsReachable())
        {
            container = new RabbitMqBuilder(Image).WithUsername("aims").WithPassword("aims").Build();
            await container.StartAsync();
            Host = container.Hostname;
            Port = container.GetMappedPublicPort(AmqpPort);
            Username = "aims";
            Password = "aims";
            return;
        }

        throw new InvalidOperationException(
            $"The RabbitMQ integration tests need a broker and found none: nothing listens on {Host}:{Port}, "
            + $"{HostVariable} is not set and no Docker engine answers for Testcontainers. Run the tests with "
            + "tests/run.sh, which installs and starts a local RabbitMQ, or set "
            + $"{HostVariable}, {PortVariable}, {UserVariable} and {PasswordVariable} to a broker you have.");
    }

    public async Task DisposeAsync()
    {
        if (container is not null)
        {
            await container.DisposeAsync();
        }
    }

    private static string? Variable(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    private async Task<bool> PortAcceptsAsync()
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(ProbeTimeout);
        try
        {
            await client.ConnectAsync(Host, Port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private async Task EnsureAmqpAnswersAsync(string which)
    {
        try
        {
            await using var connection = await CreateConnectionAsync();
        }
        catch (BrokerUnreachableException e)
        {
            throw new InvalidOperationException(
                $"Could not open an AMQP connection to {which} as '{Username}': {e.InnerException?.Message ?? e.Message}. "
                + $"Check that it is RabbitMQ, that it has finished starting, and {UserVariable}/{PasswordVariable}.",
                e);
        }
    }

    private static bool DockerIsReachable()
    {
        try
        {
            // Testcontainers picks the first Docker endpoint that answers (environment, config file, default socket).
            return TestcontainersSettings.OS.DockerEndpointAuthConfig is not null;
        }
#pragma warning disable CA1031 // Any failure to find Docker means the same thing here: no Docker.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }
}
