namespace Aims.Risk.Worker;

/// <summary>
/// <c>Logging:Format</c> (env <c>Logging__Format</c>): <c>json</c>, one JSON object per line for log collectors (the
/// default, and the image's), or <c>text</c>, the plain console lines people read at a terminal.
/// </summary>
public static class LoggingFormat
{
    public const string Key = "Logging:Format";

    public static IHostApplicationBuilder AddRiskLogging(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var format = builder.Configuration[Key];
        var formatter = format?.ToUpperInvariant() switch
        {
            null or "" or "JSON" => "json",
            "TEXT" => "simple",
            _ => throw new InvalidOperationException($"{Key} must be json or text, not '{format}'"),
        };
        builder.Configuration["Logging:Console:FormatterName"] = formatter;
        if (formatter == "simple")
        {
            // One line per entry, as in the JSON format: a refusal is one line a person can grep.
            builder.Configuration["Logging:Console:FormatterOptions:SingleLine"] = "true";
        }

        // The host's own report of a start-up failure carries the whole stack; Program prints the cause in one line instead.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        return builder;
    }
}
