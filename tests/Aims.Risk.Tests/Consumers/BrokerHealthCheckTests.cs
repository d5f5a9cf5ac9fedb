using System.Net.Sockets;
using Aims.Risk.Core.Consumers;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Aims.Risk.Tests.Consumers;

/// <summary>
/// The <c>broker</c> check while the bus has not started says why in an operator's words: the broker unreachable with
/// the socket's cause, or ACCESS_REFUSED for refused credentials; once the bus has started it is MassTransit's check.
/// </summary>
public sealed class BrokerHealthCheckTests
{
    private static readonly RabbitMqOptions Rabbit = new() { Host = "localhost", Port = 5999, VirtualHost = "aims" };

    private static readonly HealthCheckContext Context = new()
    {
        Registration = new HealthCheckRegistration("broker", new BusCheck(), HealthStatus.Unhealthy, ["ready"]),
    };

    [Fact]
    public async Task Before_any_fault_the_check_is_unhealthy_and_says_it_is_connecting()
    {
        var result = await Check(new BusStartup());

        Assert.Equal((HealthStatus.Unhealthy, "connecting to the broker"), (result.Status, result.Description));
    }

    [Fact]
    public async Task An_unreachable_broker_is_named_with_the_address_and_the_socket_cause()
    {
        var startup = new BusStartup();
        startup.Faulted(Unreachable());

        var result = await Check(startup);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("broker unreachable at guest@localhost:5999/aims: Connection refused; retrying", result.Description);
    }

    [Fact]
    public async Task Refused_credentials_say_access_refused_not_unreachable()
    {
        var startup = new BusStartup();
        var refused = new BrokerUnreachableException(new AuthenticationFailureException("ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN."));
        startup.Faulted(Unreachable());
        startup.Faulted(refused);

        var before = await Check(startup);
        startup.Failed(refused);
        var result = await Check(startup);

        Assert.Equal((HealthStatus.Unhealthy, BrokerFault.AccessRefused), (before.Status, before.Description));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal($"the bus did not start: {BrokerFault.AccessRefused}", result.Description);
        Assert.DoesNotContain("unreachable", result.Description, StringComparison.Ordinal);
        Assert.Equal(BrokerFault.AccessRefused, BrokerFault.Describe(refused, Rabbit));
    }

    [Fact]
    public async Task A_declaration_the_broker_refused_is_named_in_the_broker_s_words_not_as_unreachable()
    {
        var startup = new BusStartup();
        startup.Faulted(new OperationInterruptedException(new ShutdownEventArgs(
            ShutdownInitiator.Peer, 406, "PRECONDITION_FAILED - inequivalent arg 'type' for exchange 'aims.risk.treatment-tasks' in vhost 'aims': received 'fanout' but current is 'topic'")));

        var result = await Check(startup);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("the broker at guest@localhost:5999/aims refused: PRECONDITION_FAILED - inequivalent arg 'type' for exchange 'aims.risk.treatment-tasks' in vhost 'aims': received 'fanout' but current is 'topic' (406); retrying", result.Description);
    }

    [Fact]
    public async Task Once_the_bus_has_started_the_check_is_the_bus_s_own_and_earlier_faults_are_gone()
    {
        var startup = new BusStartup();
        startup.Faulted(Unreachable());
        startup.Started();
        startup.Faulted(Unreachable());

        var result = await Check(startup);

        Assert.Equal((HealthStatus.Healthy, "the bus's own check"), (result.Status, result.Description));
        Assert.Null(startup.Fault);
        await startup.WaitUntilStartedAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
    }

    private static Task<HealthCheckResult> Check(BusStartup startup) =>
        new BrokerHealthCheck(new BusCheck(), startup, Options.Create(Rabbit)).CheckHealthAsync(Context);

    /// <summary>What RabbitMQ.Client throws when nothing listens on the port.</summary>
    private static BrokerUnreachableException Unreachable() =>
        new(new AggregateException(new ConnectFailureException("Connection failed, host 127.0.0.1:5999", new SocketException((int)SocketError.ConnectionRefused))));

    private sealed class BusCheck : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(HealthCheckResult.Healthy("the bus's own check"));
    }
}
