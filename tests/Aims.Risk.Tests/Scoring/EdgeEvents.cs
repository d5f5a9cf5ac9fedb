using Aims.Risk.Contracts;
using Aims.Risk.Core.Rules;
using Aims.Risk.TestSupport;

namespace Aims.Risk.Tests.Scoring;

/// <summary>
/// Generated events pushed to the edges the rule index must get right: whole blocks missing, a dataset list with a
/// null item, attributes with a null value, enum values no rule names and values outside the enums, every change
/// type, and now and then an event without a system at all (which the reader refuses, but a caller may build).
/// </summary>
internal sealed class EdgeEvents(int seed, RuleSet ruleSet)
{
    private readonly RandomEvents _events = new(seed, ruleSet);
    private readonly Random _random = new(seed + 1);

    public AiSystemChanged Next()
    {
        var change = _events.Next();
        if (One(4))
        {
            change = change with { ChangeType = One(10) ? (ChangeType)42 : Pick(Enum.GetValues<ChangeType>()) };
        }

        if (One(3))
        {
            change = change with
            {
                System = change.System with
                {
                    Exposure = One(2) ? null : (Exposure)7,
                    EuAiActRiskClass = One(2) ? null : (EuAiActRiskClass)9,
                    Autonomy = One(2) ? null : change.System.Autonomy,
                    Generative = One(2) ? null : change.System.Generative,
                    BiometricUse = One(3) ? (BiometricUse)11 : change.System.BiometricUse,
                    Domain = One(2) ? null : change.System.Domain,
                },
            };
        }

        if (One(5))
        {
            change = change with { Model = null };
        }
        else if (One(5) && change.Model is { } model)
        {
            change = change with { Model = model with { Metrics = null, Provenance = One(2) ? null : (ModelProvenance)13 } };
        }

        if (One(5))
        {
            change = change with { Datasets = One(2) ? null : [] };
        }
        else if (One(6))
        {
            change = change with { Datasets = [.. change.Datasets ?? [], null!] };
        }

        if (One(5))
        {
            change = change with { Security = null, Evaluation = null };
        }

        if (One(6))
        {
            var attributes = change.Attributes?.ToDictionary() ?? [];
            attributes["alertType"] = null!;
            attributes["eventLoggingEnabled"] = null!;
            change = change with { Attributes = attributes };
        }

        if (One(50))
        {
            change = change with { System = null! };
        }

        return change;
    }

    private bool One(int outOf) => _random.Next(outOf) == 0;

    private T Pick<T>(T[] values) => values[_random.Next(values.Length)];
}
