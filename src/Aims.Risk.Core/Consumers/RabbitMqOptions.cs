using System.ComponentModel.DataAnnotations;
using RabbitMQ.Client;

namespace Aims.Risk.Core.Consumers;

/// <summary>Section <c>RabbitMq</c> (env <c>RabbitMq__Host</c>, ...). The defaults are a local broker's.</summary>
public sealed class RabbitMqOptions
{
    public const string SectionName = "RabbitMq";

    [Required(AllowEmptyStrings = false, ErrorMessage = "RabbitMq:Host is required")]
    public string Host { get; set; } = "localhost";

    [Range(1, 65535, ErrorMessage = "RabbitMq:Port must be from {1} to {2}")]
    public int Port { get; set; } = 5672;

    [Required(AllowEmptyStrings = false, ErrorMessage = "RabbitMq:VirtualHost is required")]
    public string VirtualHost { get; set; } = "/";

    [Required(AllowEmptyStrings = false, ErrorMessage = "RabbitMq:Username is required")]
    public string Username { get; set; } = "guest";

    [Required(AllowEmptyStrings = true, ErrorMessage = "RabbitMq:Password is required")]
    public string Password { get; set; } = "guest";

    /// <summary>Connect with TLS (AMQPS, usually port 5671); the server certificate must be trusted.</summary>
    public bool UseTls { get; set; }

    /// <summary>The server name on the certificate, when it differs from <see cref="Host"/>.</summary>
    public string? TlsServerName { get; set; }

    /// <summary>A plain RabbitMQ.Client connection to the same broker, for what MassTransit does not do.</summary>
    public ConnectionFactory CreateConnectionFactory(string clientName) => new()
    {
        HostName = Host,
        Port = Port,
        VirtualHost = VirtualHost,
        UserName = Username,
        Password = Password,
        ClientProvidedName = clientName,
        Ssl = new SslOption { Enabled = UseTls, ServerName = TlsServerName ?? Host },
    };
}
