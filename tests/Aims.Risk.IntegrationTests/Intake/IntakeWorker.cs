using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Aims.Risk.IntegrationTests.Broker;
using Aims.Risk.IntegrationTests.Reliability;
using Aims.Risk.TestSupport;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Aims.Risk.IntegrationTests.Intake;

/// <summary>
/// The built worker in its own process on a private virtual host, with the HTTP intake on a free port, the example
/// catalogue and every endpoint's secret or key set (unless a setting says otherwise); requests as the platforms send them.
/// </summary>
public sealed class IntakeWorker : IAsyncDisposable
{
    public const string AzureKey = "azure-key-7d1c";
    public const string SageMakerKey = "sagemaker-key-52ab";
    public const string EventsKey = "events-key-9e04";

    /// <summary>
    /// One system per source, so that each source's event opens risks of its own (a later event of the same system
    /// finds its risks already open and asks for no new task).
    /// </summary>
    public const string Catalog = """
        {
          "version": "2.0.0-test",
          "systems": [
            { "platformModels": ["mlflow:credit-scoring"],
              "system": { "id": "credit-scoring", "name": "Credit scoring", "owner": "risk-team@example.com", "exposure": "CustomerFacing",
                          "autonomy": "FullyAutomated", "affectsIndividuals": true, "euAiActRiskClass": "High" },
              "evidence": { "security": { "artifactSigned": false } } },
            { "platformModels": ["azureml:credit-scoring"],
              "system": { "id": "credit-scoring-azure", "name": "Credit scoring (Azure)", "owner": "azure-team@example.com", "exposure": "CustomerFacing",
                          "autonomy": "FullyAutomated", "affectsIndividuals": true, "euAiActRiskClass": "High" } },
            { "platformModels": ["azureml:demand-forecast-drift"],
              "system": { "id": "demand-forecasting", "name": "Demand forecasting", "owner": "supply-chain@example.com", "exposure": "Internal",
                          "affectsIndividuals": false, "euAiActRiskClass": "Minimal" } },
            { "platformModels": ["sagemaker:credit-scoring"],
              "system": { "id": "credit-scoring-aws", "name": "Credit scoring (AWS)", "owner": "aws-team@example.com", "exposure": "Public",
                          "autonomy": "FullyAutomated", "affectsIndividuals": true, "euAiActRiskClass": "High" } }
          ]
        }
        """;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly TempFolder _folder;

    private IntakeWorker(WorkerProcess process, VirtualHost virtualHost, TempFolder folder, int port)
    {
        Process = process;
        VirtualHost = virtualHost;
        _folder = folder;
        Port = port;
        Database = folder.File("register.db");
    }

    public WorkerProcess Process { get; }

    public VirtualHost VirtualHost { get; }

    public int Port { get; }

    public string Database { get; }

    public static async Task<IntakeWorker> StartAsync(RabbitMqFixture broker, string name, IDictionary<string, string>? settings = null)
    {
        var virtualHost = await VirtualHost.CreateAsync(broker);
        var folder = new TempFolder(name);
        var port = FreePort();
        var environment = new Dictionary<string, string>
        {
            ["Intake__Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Intake__Mlflow__Secret"] = PlatformPayloads.MlflowSecret,
            ["Intake__AzureMl__Key"] = AzureKey,
            ["Intake__SageMaker__Key"] = SageMakerKey,
            ["Intake__Events__Key"] = EventsKey,
            ["Catalog__Path"] = folder.File("systems.json"),
        };
        await File.WriteAllTextAsync(folder.File("systems.json"), Catalog);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        try
        {
            var process = await WorkerProcess.StartAsync(name, broker, virtualHost, $"Data Source={folder.File("register.db")}", folder.Path, environment);
            return new IntakeWorker(process, virtualHost, folder, port);
        }
        catch
        {
            // The exception carries the log's tail; nothing else is left behind.
            await virtualHost.DisposeAsync();
            folder.Keep = false;
            folder.Dispose();
            throw;
        }
    }

    /// <summary>The scenario passed: its folder (register, log) is removed on dispose; otherwise it is kept for the log.</summary>
    public void Passed() => _folder.Keep = false;

    public Uri Url(string path) => new($"http://localhost:{Port}{path}");

    /// <summary>An MLflow delivery: a fresh delivery id unless one is given (a retry keeps it), signed now.</summary>
    public async Task<Answer> MlflowAsync(string body, string? deliveryId = null, string secret = PlatformPayloads.MlflowSecret, DateTimeOffset? timestamp = null)
    {
        deliveryId ??= Guid.NewGuid().ToString();
        var unix = (timestamp ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, Url("/hooks/mlflow")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-MLflow-Delivery-Id", deliveryId);
        request.Headers.Add("X-MLflow-Timestamp", unix);
        request.Headers.Add("X-MLflow-Signature", PlatformPayloads.MlflowSignature(secret, deliveryId, unix, body));
        return await SendAsync(request);
    }

    public async Task<Answer> PostAsync(string path, string body, string contentType = "application/json", IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url(path)) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        foreach (var (key, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(key, value);
        }

        return await SendAsync(request);
    }

    /// <summary>Waits until the register holds every one of <paramref name="eventIds"/>.</summary>
    public async Task WaitForAssessmentsAsync(IEnumerable<Guid> eventIds, TimeSpan timeout)
    {
        var wanted = eventIds.Select(e => e.ToString()).ToHashSet();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var stored = (await QueryAsync<string>("SELECT EventId FROM Assessments;")).ToHashSet();
            if (wanted.IsSubsetOf(stored))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not assessed within {timeout}: {string.Join(", ", wanted.Except(stored))}; log: {Process.LogTail()}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Rows of a query on the register, read as an auditor would.</summary>
    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        if (!File.Exists(Database))
        {
            return [];
        }

        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        try
        {
            return [.. await connection.QueryAsync<T>(sql, parameters)];
        }
        catch (SqliteException)
        {
            return [];
        }
    }

    /// <summary>The assessed payload of an event: what the register recorded as the input.</summary>
    public async Task<JsonElement> PayloadAsync(Guid eventId)
    {
        var payload = Assert.Single(await QueryAsync<string>("SELECT Payload FROM Assessments WHERE EventId = @id;", new { id = eventId.ToString() }));
        using var document = JsonDocument.Parse(payload);
        return document.RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        SqliteConnection.ClearAllPools();
        await VirtualHost.DisposeAsync();
        _folder.Dispose();
    }

    private static async Task<Answer> SendAsync(HttpRequestMessage request)
    {
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Answer((int)response.StatusCode, text);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The status and body of an intake answer.</summary>
    public sealed record Answer(int Status, string Body)
    {
        public IReadOnlyList<Guid> EventIds => Json().TryGetProperty("eventIds", out var ids) ? [.. ids.EnumerateArray().Select(i => i.GetGuid())] : [];

        public string Error => Json().TryGetProperty("error", out var error) ? error.GetString() ?? "" : "";

        private JsonElement Json()
        {
            using var document = JsonDocument.Parse(Body);
            return document.RootElement.Clone();
        }
    }
}
