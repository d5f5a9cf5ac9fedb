using System.ComponentModel.DataAnnotations;

namespace Aims.Risk.Worker.Intake;

/// <summary>Section <c>Intake:Mlflow</c> (env <c>Intake__Mlflow__Secret</c>, ...): <c>POST /hooks/mlflow</c>, off without a secret.</summary>
public sealed class MlflowIntakeOptions
{
    public const string SectionName = "Intake:Mlflow";

    /// <summary>The secret given to the webhook in MLflow (<c>create_webhook</c>); unset: the endpoint answers 404.</summary>
    public string? Secret { get; set; }

    /// <summary>Comma-separated aliases that mean the version is deployed (<c>ModelDeployed</c>).</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Intake:Mlflow:DeployAliases is required")]
    public string DeployAliases { get; set; } = "production,champion";

    /// <summary>How far <c>X-MLflow-Timestamp</c> may be from this server's clock (older deliveries are refused as replays).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Intake:Mlflow:MaxSkew must be from {1} to {2}")]
    public TimeSpan MaxSkew { get; set; } = TimeSpan.FromMinutes(5);

    public IReadOnlyList<string> Aliases => DeployAliases.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
