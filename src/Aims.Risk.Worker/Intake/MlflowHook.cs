using Aims.Risk.Core.Sources;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Worker.Intake;

/// <summary><c>POST /hooks/mlflow</c>: MLflow 3 model registry webhooks, signed with the webhook's secret.</summary>
internal static class MlflowHook
{
    public const string Path = "/hooks/mlflow";

    public static async Task<IResult> HandleAsync(HttpContext context, IntakePipeline pipeline, IOptions<MlflowIntakeOptions> options)
    {
        var mlflow = options.Value;
        if (string.IsNullOrEmpty(mlflow.Secret))
        {
            return Results.NotFound();
        }

        var (body, error) = await IntakeRequest.ReadBodyAsync(context, pipeline.Options, pipeline.Clock);
        if (body is null)
        {
            return error!;
        }

        var headers = context.Request.Headers;
        var deliveryId = headers[MlflowWebhook.DeliveryIdHeader].FirstOrDefault();
        var timestamp = headers[MlflowWebhook.TimestampHeader].FirstOrDefault();
        var now = pipeline.Clock.GetUtcNow();
        if (MlflowWebhook.Verify(mlflow.Secret, deliveryId, timestamp, headers[MlflowWebhook.SignatureHeader].FirstOrDefault(), body, now, mlflow.MaxSkew) is { } refusal)
        {
            pipeline.Refused(Path, StatusCodes.Status401Unauthorized, refusal);
            return IntakeRequest.Error(StatusCodes.Status401Unauthorized, refusal);
        }

        MappingResult result;
        try
        {
            result = MlflowWebhook.Map(body, deliveryId!, DateTimeOffset.FromUnixTimeSeconds(long.Parse(timestamp!, System.Globalization.CultureInfo.InvariantCulture)), mlflow.Aliases, pipeline.Options.TagPrefix);
        }
        catch (SourceFormatException ex)
        {
            pipeline.Refused(Path, StatusCodes.Status400BadRequest, ex.Message);
            return IntakeRequest.Error(StatusCodes.Status400BadRequest, ex.Message);
        }

        return await pipeline.AcceptAsync(Path, [result], context.RequestAborted);
    }
}
