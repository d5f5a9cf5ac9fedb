using System.Text.Json;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.Sources;
using CloudNative.CloudEvents;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Worker.Intake;

/// <summary>
/// <c>POST /events</c>: CloudEvents 1.0 over HTTP, structured (<c>application/cloudevents+json</c>) or binary (<c>ce-</c>
/// headers). Type <c>aims.risk.ai-system-changed</c> carries an <c>AiSystemChanged</c>; the platform types carry what
/// the platform sends: <c>Microsoft.MachineLearningServices.*</c> (Azure ML's data), <c>SageMaker Model Package State
/// Change</c> (the EventBridge <c>detail</c>) and <c>mlflow.&lt;entity&gt;.&lt;action&gt;</c> (the MLflow payload's <c>data</c>).
/// </summary>
internal static class CloudEventsHook
{
    public const string Path = "/events";
    public const string MlflowTypePrefix = "mlflow.";

    public static async Task<IResult> HandleAsync(HttpContext context, IntakePipeline pipeline, IOptionsMonitor<IntakeKeyOptions> keys, IOptions<MlflowIntakeOptions> mlflow)
    {
        var key = keys.Get(IntakeKeyOptions.Events).Key;
        if (string.IsNullOrEmpty(key))
        {
            return Results.NotFound();
        }

        if (IntakeRequest.CheckKey(context, key) is { } unauthorized)
        {
            pipeline.Refused(Path, StatusCodes.Status401Unauthorized, "wrong or missing key");
            return unauthorized;
        }

        var (body, error) = await IntakeRequest.ReadBodyAsync(context, pipeline.Options, pipeline.Clock);
        if (body is null)
        {
            return error!;
        }

        var mediaType = context.Request.ContentType?.Split(';')[0].Trim();
        var headers = context.Request.Headers.Select(h => new KeyValuePair<string, string?>(h.Key, h.Value.FirstOrDefault())).ToList();
        CloudEvent cloudEvent;
        try
        {
            cloudEvent = CloudEventReader.Read(mediaType, headers, body)
                ?? throw new InvalidEventException($"not a CloudEvent: send {CloudEventReader.StructuredMediaType}, or the attributes in ce- headers (binary mode)");
            if (cloudEvent.Type == CloudEventReader.ChangeEventType)
            {
                var change = AiSystemChangedReader.Read(CloudEventReader.ChangeBody(cloudEvent), pipeline.Clock, pipeline.Options.MaxBodyBytes);
                return await pipeline.PublishAsync(Path, [change], [], context.RequestAborted);
            }

            var result = MapPlatformEvent(cloudEvent, pipeline.Options.TagPrefix, mlflow.Value.Aliases);
            return await pipeline.AcceptAsync(Path, [result], context.RequestAborted);
        }
        catch (Exception ex) when (ex is SourceFormatException or InvalidEventException)
        {
            pipeline.Refused(Path, StatusCodes.Status400BadRequest, ex.Message);
            return IntakeRequest.Error(StatusCodes.Status400BadRequest, ex.Message);
        }
    }

    /// <summary>Maps a CloudEvent of a platform type; other types are ignored with the reason.</summary>
    /// <exception cref="SourceFormatException">The data is not what the type carries.</exception>
    public static MappingResult MapPlatformEvent(CloudEvent cloudEvent, string tagPrefix, IReadOnlyCollection<string>? deployAliases = null)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        var type = cloudEvent.Type!;
        var source = cloudEvent.Source!.ToString();
        var eventId = SourceEventIds.For(source, cloudEvent.Id!);
        var time = cloudEvent.Time ?? throw new SourceFormatException($"CloudEvent {cloudEvent.Id}: 'time' is required for type {type}");
        using var data = CloudEventReader.DataJson(cloudEvent) is { } json ? Parse(json) : null;
        var element = data?.RootElement ?? default;
        return type switch
        {
            _ when type.StartsWith(AzureMlEvent.TypePrefix, StringComparison.Ordinal) => AzureMlEvent.Map(type, eventId, time, source, element, tagPrefix),
            SageMakerEvent.DetailType => SageMakerEvent.MapDetail(element, eventId, time, source, tagPrefix),
            _ when type.StartsWith(MlflowTypePrefix, StringComparison.Ordinal) && deployAliases is not null =>
                MlflowWebhook.MapData(type[MlflowTypePrefix.Length..], element, eventId, time, source, deployAliases, tagPrefix),
            _ => MappingResult.Ignore($"CloudEvent type '{type}' is not a change to assess"),
        };
    }

    private static JsonDocument Parse(ReadOnlyMemory<byte> json)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            throw new SourceFormatException($"the CloudEvent's data is not valid JSON: {JsonRefusalText.Syntax(json.Span) ?? "invalid JSON"}");
        }
    }
}
