namespace Aims.Risk.IntegrationTests.Reliability;

/// <summary>A test that restarts the broker: skipped, with the reason, where the tests do not control it.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LocalBrokerFactAttribute : FactAttribute
{
    public LocalBrokerFactAttribute()
    {
        if (LocalBroker.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
