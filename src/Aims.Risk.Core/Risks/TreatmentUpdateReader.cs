using System.Text.Json;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Events;

namespace Aims.Risk.Core.Risks;

/// <summary>Reads a <see cref="RiskTreatmentUpdated"/> as strictly as events are read: the reason names the field.</summary>
public static class TreatmentUpdateReader
{
    /// <summary>An update is small; anything larger is refused before it is parsed.</summary>
    public const int MaxBytes = 64 * 1024;

    public static RiskTreatmentUpdated Read(ReadOnlySpan<byte> body)
    {
        if (body.Length > MaxBytes)
        {
            throw new InvalidEventException($"the update is {body.Length} bytes; at most {MaxBytes} are accepted");
        }

        RiskTreatmentUpdated? update;
        try
        {
            update = JsonSerializer.Deserialize<RiskTreatmentUpdated>(body, ContractJson.Options);
        }
        catch (JsonException ex)
        {
            throw new InvalidEventException(JsonRefusalText.For(ex, body, typeof(RiskTreatmentUpdated), ContractJson.Options));
        }

        if (update is null)
        {
            throw new InvalidEventException("not a valid RiskTreatmentUpdated: the body is JSON null");
        }

        if (update.UpdateId == Guid.Empty)
        {
            throw new InvalidEventException("updateId: a UUID other than the empty one is required");
        }

        if (update.RiskId is null && update.TaskId is null)
        {
            throw new InvalidEventException("riskId or taskId is required to name the risk");
        }

        if (string.IsNullOrWhiteSpace(update.Actor))
        {
            throw new InvalidEventException("actor is required: who decided");
        }

        if (update.Evidence is { } evidence && evidence.Any(e => !Uri.TryCreate(e, UriKind.Absolute, out _)))
        {
            throw new InvalidEventException("evidence: every item must be an absolute URI");
        }

        return update;
    }
}
