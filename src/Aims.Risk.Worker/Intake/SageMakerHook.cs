using Aims.Risk.Core.Sources;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Worker.Intake;

/// <summary><c>POST /hooks/sagemaker</c>: the EventBridge event "SageMaker Model Package State Change", sent by an API destination with an API-key header.</summary>
internal static class SageMakerHook
{
    public const string Path = "/hooks/sagemaker";

    public static async Task<IResult> HandleAsync(HttpContext context, IntakePipeline pipeline, IOptionsMonitor<IntakeKeyOptions> keys)
    {
        var key = keys.Get(IntakeKeyOptions.SageMaker).Key;
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

        MappingResult result;
        try
        {
            result = SageMakerEvent.Read(body, pipeline.Options.TagPrefix);
        }
        catch (SourceFormatException ex)
        {
            pipeline.Refused(Path, StatusCodes.Status400BadRequest, ex.Message);
            return IntakeRequest.Error(StatusCodes.Status400BadRequest, ex.Message);
        }

        return await pipeline.AcceptAsync(Path, [result], context.RequestAborted);
    }
}
