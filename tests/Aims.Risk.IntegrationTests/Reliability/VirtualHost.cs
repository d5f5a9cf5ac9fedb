using Aims.Risk.IntegrationTests.Broker;
using RabbitMQ.Client;

namespace Aims.Risk.IntegrationTests.Reliability;

/// <summary>
/// A virtual host of its own for a test that runs workers on the real queue names: no other worker sharing the
/// broker (another test run, a developer's worker) can take its events, and its error queue holds only its own
/// failures. Falls back to the tests' virtual host (<see cref="RabbitMqFixture.VirtualHost"/>) where rabbitmqctl cannot create one.
/// </summary>
public sealed class VirtualHost : IAsyncDisposable
{
    private readonly RabbitMqFixture _broker;

    private VirtualHost(RabbitMqFixture broker, string name, bool isPrivate)
    {
        _broker = broker;
        Name = name;
        IsPrivate = isPrivate;
    }

    public string Name { get; }

    public bool IsPrivate { get; }

    public static async Task<VirtualHost> CreateAsync(RabbitMqFixture broker)
    {
        if (!LocalBroker.IsControllable)
        {
            return new VirtualHost(broker, broker.VirtualHost, isPrivate: false);
        }

        var name = $"aims-risk-tests-{Guid.NewGuid():N}";
        await LocalBroker.CtlAsync("-q", "add_vhost", name);
        await LocalBroker.CtlAsync("-q", "set_permissions", "-p", name, broker.Username, ".*", ".*", ".*");
        return new VirtualHost(broker, name, isPrivate: true);
    }

    public Task<IConnection> ConnectAsync()
    {
        var factory = _broker.CreateConnectionFactory();
        factory.VirtualHost = Name;
        return factory.CreateConnectionAsync();
    }

    /// <summary>Messages ready in <paramref name="queue"/>, or 0 when it does not exist.</summary>
    public async Task<uint> MessageCountAsync(string queue)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (IsPrivate)
        {
            await LocalBroker.CtlAsync("-q", "delete_vhost", Name);
        }
    }
}
