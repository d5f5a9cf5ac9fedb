using Aims.Risk.Core.Scoring;

namespace Aims.Risk.Tests.Scoring;

public sealed class TaskIdsTests
{
    private static readonly Guid EventId = Guid.Parse("0b6f8a4e-7c1d-4e2a-9f3b-1a2b3c4d5e6f");

    /// <summary>Expected value from an independent RFC 9562 implementation: Python's uuid.uuid5.</summary>
    [Fact]
    public void Task_id_is_the_rfc_9562_version_5_uuid_of_event_and_rule()
    {
        Assert.Equal(Guid.Parse("4ed55937-0e94-5cfa-bb58-b5cc174491a6"), TaskIds.For(EventId, "PRIV-001"));
    }

    [Fact]
    public void Task_id_differs_per_rule_and_per_event()
    {
        var ids = new[]
        {
            TaskIds.For(EventId, "PRIV-001"),
            TaskIds.For(EventId, "PRIV-002"),
            TaskIds.For(Guid.NewGuid(), "PRIV-001"),
        };

        Assert.Equal(3, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal(5, id.Version));
    }
}
