using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Rules;

/// <summary>
/// Fills the optional objects of an event with empty ones, so that rule authors write
/// <c>change.Model.Metrics.Accuracy &lt; 0.8</c> without null checks: an absent value is a null leaf,
/// never a null object. Allocates only what is missing.
/// </summary>
public static class EventNormalizer
{
    private static readonly ModelMetrics EmptyMetrics = new();
    private static readonly ModelInfo EmptyModel = new() { Metrics = EmptyMetrics };
    private static readonly SecurityInfo EmptySecurity = new();
    private static readonly EvaluationInfo EmptyEvaluation = new();
    private static readonly IReadOnlyDictionary<string, AttributeValue> EmptyAttributes = new Dictionary<string, AttributeValue>();

    public static AiSystemChanged Normalize(AiSystemChanged change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (IsNormalized(change))
        {
            return change;
        }

        var model = change.Model switch
        {
            null => EmptyModel,
            { Metrics: null } m => m with { Metrics = EmptyMetrics },
            var m => m,
        };
        return change with
        {
            Model = model,
            Datasets = change.Datasets ?? [],
            Security = change.Security ?? EmptySecurity,
            Evaluation = change.Evaluation ?? EmptyEvaluation,
            Attributes = change.Attributes ?? EmptyAttributes,
        };
    }

    private static bool IsNormalized(AiSystemChanged change) =>
        change.Model?.Metrics is not null && change.Datasets is not null && change.Security is not null
        && change.Evaluation is not null && change.Attributes is not null;
}
