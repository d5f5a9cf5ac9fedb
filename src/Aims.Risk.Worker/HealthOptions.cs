using System.ComponentModel.DataAnnotations;

namespace Aims.Risk.Worker;

/// <summary>Section <c>Health</c> (env <c>Health__Port</c>, ...): where the health endpoints listen.</summary>
public sealed class HealthOptions
{
    public const string SectionName = "Health";

    /// <summary>The HTTP port of <c>/health/live</c> and <c>/health/ready</c>.</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 8080;

    /// <summary>
    /// The address to bind: <c>localhost</c> (loopback only), <c>*</c> (every interface, as in a container whose
    /// orchestrator probes from outside), or an IP address.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    public string Address { get; set; } = "localhost";
}
