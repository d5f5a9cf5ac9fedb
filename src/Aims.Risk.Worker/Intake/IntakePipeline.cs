using Aims.Risk.Contracts;
using Aims.Risk.Core.Catalog;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.Sources;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Worker.Intake;

/// <summary>
/// The common end of every intake endpoint: mapped platform changes are completed from the catalogue, checked
/// strictly as the consumer will read them, published with confirms, and only then answered 202.
/// </summary>
public sealed partial class IntakePipeline(
    ChangePublisher publisher,
    CatalogProvider catalog,
    IOptions<IntakeOptions> options,
    TimeProvider clock,
    ILogger<IntakePipeline> logger)
{
    public IntakeOptions Options => options.Value;

    public TimeProvider Clock => clock;

    /// <summary>Composes each mapped change with the catalogue, then publishes. Ignored events are answered 202 and logged.</summary>
    public async Task<IResult> AcceptAsync(string endpoint, IReadOnlyList<MappingResult> results, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(results);
        var changes = new List<AiSystemChanged>();
        var ignored = new List<string>();
        foreach (var result in results)
        {
            if (result.Ignored is { } reason)
            {
                LogIgnored(endpoint, reason);
                ignored.Add(reason);
            }

            try
            {
                changes.AddRange(result.Changes.Select(c => ChangeComposer.Compose(c, catalog.Current, catalog.Path, options.Value.TagPrefix)));
            }
            catch (UnprocessableChangeException ex)
            {
                LogRefused(endpoint, 422, ex.Message);
                return IntakeRequest.Error(StatusCodes.Status422UnprocessableEntity, ex.Message);
            }
        }

        return await PublishAsync(endpoint, changes, ignored, cancellationToken);
    }

    /// <summary>Publishes complete events (checked strictly first: 422 if one is not a valid AiSystemChanged).</summary>
    public async Task<IResult> PublishAsync(string endpoint, IReadOnlyList<AiSystemChanged> changes, IReadOnlyList<string> ignored, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var messages = new List<(Guid, byte[])>();
        foreach (var change in changes)
        {
            var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(change, ContractJson.Options);
            try
            {
                AiSystemChangedReader.Read(body, clock);
            }
            catch (InvalidEventException ex)
            {
                LogRefused(endpoint, 422, ex.Message);
                return IntakeRequest.Error(StatusCodes.Status422UnprocessableEntity, $"the event for system '{change.System.Id}' is not valid: {ex.Message}");
            }

            messages.Add((change.EventId, body));
        }

        if (messages.Count > 0)
        {
            using var timeout = new CancellationTokenSource(options.Value.PublishTimeout, clock);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            try
            {
                await publisher.PublishAsync(messages, linked.Token);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // The sender retries on 503: nothing is acknowledged that the broker did not confirm.
                LogPublishFailed(endpoint, ex.GetType().Name, ex.Message);
                return IntakeRequest.Error(StatusCodes.Status503ServiceUnavailable, "the event could not be queued (the broker did not confirm it); retry later");
            }
        }

        foreach (var change in changes)
        {
            LogAccepted(endpoint, change.EventId, change.System.Id, change.ChangeType);
        }

        return Results.Json(new { status = 202, eventIds = changes.Select(c => c.EventId).ToList(), ignored }, statusCode: StatusCodes.Status202Accepted);
    }

    public void Refused(string endpoint, int status, string reason) => LogRefused(endpoint, status, reason);

    public void Failed(string endpoint, Exception exception) => LogFailed(endpoint, exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Intake {Endpoint}: the request failed; answered 500")]
    private partial void LogFailed(string endpoint, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Intake {Endpoint}: event {EventId} of system {SystemId} ({ChangeType}) queued")]
    private partial void LogAccepted(string endpoint, Guid eventId, string systemId, ChangeType changeType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Intake {Endpoint}: ignored: {Reason}")]
    private partial void LogIgnored(string endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Intake {Endpoint}: refused with {Status}: {Reason}")]
    private partial void LogRefused(string endpoint, int status, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Intake {Endpoint}: publishing failed ({ExceptionType}: {Problem}); answered 503")]
    private partial void LogPublishFailed(string endpoint, string exceptionType, string problem);
}
