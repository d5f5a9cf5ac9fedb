using System.Text.Json;
using Aims.Risk.Core.Consumers;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.Risks;
using MassTransit;
using Microsoft.Data.Sqlite;
using RabbitMQ.Client.Exceptions;
using SerializationException = System.Runtime.Serialization.SerializationException;

namespace Aims.Risk.Tests.Consumers;

/// <summary>
/// The error queue's reason (<see cref="ErrorQueueFilter.Reason"/>): the message of an exception written for people, and
/// for any other exception what failed, built from its kind and structured fields, never from its message, which may
/// name a host, a file or the code.
/// </summary>
public sealed class ErrorQueueReasonTests
{
    [Fact]
    public void A_refusal_keeps_its_message_wherever_it_is_in_the_chain()
    {
        Assert.Equal("system.id: is required", ErrorQueueFilter.Reason(new InvalidEventException("system.id: is required")));
        Assert.Equal("system.id: is required", ErrorQueueFilter.Reason(new SerializationException("An exception occurred while deserializing", new InvalidEventException("system.id: is required"))));
        Assert.Equal("no risk 1 in the register", ErrorQueueFilter.Reason(new AggregateException(new InvalidOperationException("x"), new RiskNotFoundException("no risk 1 in the register"))));
        Assert.Equal("illegal transition", ErrorQueueFilter.Reason(new RiskUpdateRefusedException("illegal transition", new IOException("/var/lib/x"))));
    }

    public static TheoryData<Exception, string> Faults() => new()
    {
        { new IOException("Could not find file '/work/srv/aims-risk.db' on vm-prod-17"), "the worker could not process this message (an internal IOException); the worker's log has the details" },
        { new InvalidOperationException("Operation is not valid", new UnauthorizedAccessException("Access to the path '/home/svc/.aspnet' is denied.")), "the worker could not process this message (an internal UnauthorizedAccessException); the worker's log has the details" },
        { new SqliteException("SQLite Error 5: 'database is locked'.", 5), "the risk register refused the write (SQLite error 5: database is locked) on every attempt" },
        { new SerializationException("deserializing", new JsonException("'x' is invalid at /work/app", "$", 0, 12)), "the body is not valid JSON (line 1, byte 13)" },
        { new JsonException("no position"), "the body could not be read as the JSON the queue takes" },
        { new BrokerUnreachableException(new IOException("connect to rabbit-prod.internal:5672 refused")), "the broker did not take the messages this one leads to on any attempt; the worker's log has the details" },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public void Any_other_fault_is_described_by_its_kind_without_its_message(Exception fault, string reason)
    {
        var text = ErrorQueueFilter.Reason(fault);

        Assert.Equal(reason, text);
        Assert.DoesNotContain("/", text, StringComparison.Ordinal);
        Assert.DoesNotContain("vm-prod", text, StringComparison.Ordinal);
        Assert.DoesNotContain(".internal", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_host_header_of_MassTransit_is_removed_and_only_the_reason_when_where_and_retries_are_kept()
    {
        Assert.Contains(MessageHeaders.Host.MachineName, ErrorQueueFilter.HostHeaders);
        Assert.Contains(MessageHeaders.Host.ProcessName, ErrorQueueFilter.HostHeaders);
        Assert.Contains(MessageHeaders.Host.ProcessId, ErrorQueueFilter.HostHeaders);
        Assert.Contains(MessageHeaders.Host.Assembly, ErrorQueueFilter.HostHeaders);
        Assert.Equal(9, ErrorQueueFilter.HostHeaders.Count);
        Assert.Equal(["MT-Reason", "MT-Fault-Message", "MT-Fault-Timestamp", "MT-Fault-InputAddress", "MT-Fault-RetryCount"], ErrorQueueFilter.KeptHeaders);
    }
}
