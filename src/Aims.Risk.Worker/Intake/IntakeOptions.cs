using System.ComponentModel.DataAnnotations;

namespace Aims.Risk.Worker.Intake;

/// <summary>Section <c>Intake</c> (env <c>Intake__Port</c>, ...): the HTTP intake of platform events, on its own port.</summary>
public sealed class IntakeOptions
{
    public const string SectionName = "Intake";

    /// <summary><c>localhost</c> (loopback only), <c>*</c> (every interface) or an IP address.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Intake:Address is required")]
    public string Address { get; set; } = "localhost";

    [Range(1, 65535, ErrorMessage = "Intake:Port must be from {1} to {2}")]
    public int Port { get; set; } = 8081;

    /// <summary>The largest request body accepted (413 above it).</summary>
    [Range(1024, 16 << 20, ErrorMessage = "Intake:MaxBodyBytes must be from {1} to {2}")]
    public int MaxBodyBytes { get; set; } = 1 << 20;

    /// <summary>How long reading a request body may take (408 after it): a sender trickling bytes holds no connection for long.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Intake:BodyTimeout must be from {1} to {2}")]
    public TimeSpan BodyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the broker may take to confirm a publish before the request is answered 503.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ErrorMessage = "Intake:PublishTimeout must be from {1} to {2}")]
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Platform tags with this prefix fill the event's fields (<c>aims.owner</c>, <c>aims.security.artifactSigned</c>, ...).</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Intake:TagPrefix is required")]
    public string TagPrefix { get; set; } = "aims.";
}
