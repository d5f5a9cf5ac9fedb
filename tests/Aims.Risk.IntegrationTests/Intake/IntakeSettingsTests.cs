using Aims.Risk.IntegrationTests.Broker;
using Aims.Risk.IntegrationTests.Reliability;

namespace Aims.Risk.IntegrationTests.Intake;

/// <summary>A wrong intake or catalogue setting stops the worker at start-up with a message naming the key.</summary>
[Collection(RabbitMqCollectionDefinition.Name)]
public sealed class IntakeSettingsTests(RabbitMqFixture broker)
{
    [Theory]
    [InlineData("Intake__Port", "70000", "Intake:Port must be from 1 to 65535")]
    [InlineData("Intake__Address", "everywhere", "Intake:Address must be 'localhost', '*' or an IP address")]
    [InlineData("Intake__Mlflow__MaxSkew", "00:00:00", "Intake:Mlflow:MaxSkew must be from")]
    [InlineData("Intake__Mlflow__DeployAliases", " , ", "Intake:Mlflow:DeployAliases must name at least one alias")]
    [InlineData("Catalog__Path", "/nonexistent/systems.json", "Catalog:Path must name an existing catalogue file")]
    public async Task A_bad_setting_stops_start_up_naming_the_key(string key, string value, string message)
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => IntakeWorker.StartAsync(broker, "intake-settings", new Dictionary<string, string> { [key] = value }));

        Assert.Contains("exited with", ex.Message, StringComparison.Ordinal);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_any_secret_or_key_the_intake_takes_no_port()
    {
        await using var worker = await IntakeWorker.StartAsync(broker, "intake-unconfigured", new Dictionary<string, string>
        {
            ["Intake__Mlflow__Secret"] = "", ["Intake__AzureMl__Key"] = "", ["Intake__SageMaker__Key"] = "", ["Intake__Events__Key"] = "",
        });

        using var client = new System.Net.Sockets.TcpClient();
        var refused = await Assert.ThrowsAsync<System.Net.Sockets.SocketException>(() => client.ConnectAsync("localhost", worker.Port));

        Assert.Equal(System.Net.Sockets.SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.Equal("Healthy", (await worker.Process.ReadyAsync())?.Status);
        worker.Passed();
    }

    [Fact]
    public async Task An_invalid_catalogue_stops_start_up_with_its_errors()
    {
        using var folder = new TempFolder("intake-catalog");
        var catalog = folder.File("systems.json");
        await File.WriteAllTextAsync(catalog, """{"version":"1.0.0","systems":[{"platformModels":["mlflow:a"],"system":{"id":"a","name":"A"}}]}""");

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => IntakeWorker.StartAsync(broker, "intake-catalog", new Dictionary<string, string> { ["Catalog__Path"] = catalog }));

        Assert.Contains("(Catalog:Path) was refused", ex.Message, StringComparison.Ordinal);
        Assert.Contains("owner", ex.Message, StringComparison.Ordinal);
        folder.Keep = false;
    }
}
