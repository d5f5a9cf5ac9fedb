using Aims.Risk.Core.Events;
using Aims.Risk.Core.Sources;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Worker.Intake;

/// <summary>
/// <c>POST /hooks/azureml</c>: Azure Machine Learning events from an Event Grid subscription, in the Event Grid schema
/// (an array; the subscription handshake is answered with its <c>validationCode</c>) or the CloudEvents 1.0 schema
/// (one event or a batch; the handshake is the <c>OPTIONS</c> request answered with <c>WebHook-Allowed-Origin</c>).
/// </summary>
internal static class AzureMlHook
{
    public const string Path = "/hooks/azureml";

    private static readonly JsonEventFormatter Formatter = new();

    public static async Task<IResult> HandleAsync(HttpContext context, IntakePipeline pipeline, IOptionsMonitor<IntakeKeyOptions> keys)
    {
        var key = keys.Get(IntakeKeyOptions.AzureMl).Key;
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
        var results = new List<MappingResult>();
        try
        {
            if (string.Equals(mediaType, CloudEventReader.StructuredMediaType, StringComparison.OrdinalIgnoreCase)
                || string.Equals(mediaType, CloudEventReader.BatchMediaType, StringComparison.OrdinalIgnoreCase))
            {
                var events = string.Equals(mediaType, CloudEventReader.BatchMediaType, StringComparison.OrdinalIgnoreCase)
                    ? Formatter.DecodeBatchModeMessage(body, new System.Net.Mime.ContentType(CloudEventReader.BatchMediaType), null)
                    : [CloudEventReader.Read(mediaType, [], body)!];
                results.AddRange(events.Select(e => CloudEventsHook.MapPlatformEvent(e, pipeline.Options.TagPrefix)));
            }
            else
            {
                var (validationCode, mapped) = AzureMlEvent.ReadEventGridSchema(body, pipeline.Options.TagPrefix);
                if (validationCode is not null)
                {
                    return Results.Json(new { validationResponse = validationCode });
                }

                results.AddRange(mapped);
            }
        }
        catch (Exception ex) when (ex is SourceFormatException or InvalidEventException or ArgumentException or System.Text.Json.JsonException)
        {
            pipeline.Refused(Path, StatusCodes.Status400BadRequest, ex.Message);
            return IntakeRequest.Error(StatusCodes.Status400BadRequest, ex.Message);
        }

        return await pipeline.AcceptAsync(Path, results, context.RequestAborted);
    }

    /// <summary>The CloudEvents schema's abuse-protection handshake (CloudEvents HTTP webhook spec): allow the origin.</summary>
    public static IResult Handshake(HttpContext context, IOptionsMonitor<IntakeKeyOptions> keys)
    {
        if (string.IsNullOrEmpty(keys.Get(IntakeKeyOptions.AzureMl).Key))
        {
            return Results.NotFound();
        }

        if (context.Request.Headers["WebHook-Request-Origin"].FirstOrDefault() is { Length: > 0 } origin)
        {
            context.Response.Headers["WebHook-Allowed-Origin"] = origin;
            context.Response.Headers["WebHook-Allowed-Rate"] = "*";
        }

        context.Response.Headers.Allow = "POST, OPTIONS";
        return Results.Ok();
    }
}
