namespace Aims.Risk.Worker.Intake;

/// <summary>
/// The key of an endpoint authenticated by a shared key (<c>Intake:AzureMl</c>, <c>Intake:SageMaker</c>,
/// <c>Intake:Events</c>), sent in the <c>x-api-key</c> header or the <c>code</c> query parameter. Unset: the endpoint answers 404.
/// </summary>
public sealed class IntakeKeyOptions
{
    public const string AzureMl = "AzureMl";
    public const string SageMaker = "SageMaker";
    public const string Events = "Events";

    public string? Key { get; set; }
}
