using Aims.Risk.Contracts;

namespace Aims.Risk.TestSupport;

/// <summary>Test-data builders for change events: a valid default that each test changes with <c>with</c>.</summary>
public static class SampleEvents
{
    public static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    public static AiSystemChanged Change(Guid? eventId = null) => new()
    {
        EventId = eventId ?? Guid.Parse("0b6f8a4e-7c1d-4e2a-9f3b-1a2b3c4d5e6f"),
        OccurredAt = Now.AddHours(-1),
        Source = "mlflow/prod",
        ChangeType = ChangeType.ModelDeployed,
        System = new AiSystem { Id = "credit-scoring", Name = "Credit scoring", Owner = "risk-team@example.com" },
    };

    public const string ValidJson = """
        {
          "eventId": "0b6f8a4e-7c1d-4e2a-9f3b-1a2b3c4d5e6f",
          "occurredAt": "2026-11-29T11:00:00Z",
          "source": "mlflow/prod",
          "changeType": "ModelDeployed",
          "system": { "id": "credit-scoring", "name": "Credit scoring", "owner": "risk-team@example.com" }
        }
        """;
}
