using System.Globalization;
using System.Text.Json;
using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Sources;

/// <summary>
/// Azure Machine Learning events as Event Grid delivers them (the same <c>data</c> in the Event Grid schema and the
/// CloudEvents schema): <c>Microsoft.MachineLearningServices.ModelRegistered</c>, <c>ModelDeployed</c>,
/// <c>DatasetDriftDetected</c> and <c>RunCompleted</c>.
/// </summary>
public static class AzureMlEvent
{
    public const string Platform = "azureml";
    public const string TypePrefix = "Microsoft.MachineLearningServices.";
    public const string SubscriptionValidation = "Microsoft.EventGrid.SubscriptionValidationEvent";

    /// <summary>The Event Grid schema: an array of <c>{id, topic, subject, eventType, eventTime, data}</c>.</summary>
    /// <returns>The <c>validationCode</c> of a subscription handshake, or the mapped events.</returns>
    /// <exception cref="SourceFormatException">The body is not an Event Grid event array.</exception>
    public static (string? ValidationCode, IReadOnlyList<MappingResult> Events) ReadEventGridSchema(ReadOnlyMemory<byte> body, string tagPrefix)
    {
        using var document = SourceJson.Parse(body, "an Event Grid event array");
        var root = document.RootElement;
        var events = root.ValueKind switch
        {
            JsonValueKind.Array => root.EnumerateArray().ToList(),
            JsonValueKind.Object => [root],
            _ => throw new SourceFormatException("the body is not an Event Grid event array"),
        };
        var results = new List<MappingResult>();
        for (var i = 0; i < events.Count; i++)
        {
            var path = $"$[{i}]";
            var item = events[i];
            var type = SourceJson.String(item, "eventType", path);
            if (type == SubscriptionValidation)
            {
                return (SourceJson.String(SourceJson.Object(item, "data", path), "validationCode", $"{path}.data"), []);
            }

            var id = SourceJson.String(item, "id", path);
            var time = SourceJson.OptionalTime(item, "eventTime", path) ?? throw new SourceFormatException($"{path}.eventTime: missing");
            var topic = SourceJson.OptionalString(item, "topic", path) ?? Platform;
            item.TryGetProperty("data", out var data);
            results.Add(Map(type, SourceEventIds.For(Platform, id), time, topic, data, tagPrefix));
        }

        return (null, results);
    }

    /// <summary>Maps one Azure ML event's <c>data</c>; types that are no change to assess are ignored with the reason.</summary>
    /// <exception cref="SourceFormatException">The data lacks what the event type carries.</exception>
    public static MappingResult Map(string eventType, Guid eventId, DateTimeOffset occurredAt, string source, JsonElement data, string tagPrefix)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        ArgumentNullException.ThrowIfNull(tagPrefix);
        const string path = "data";
        var kind = eventType.StartsWith(TypePrefix, StringComparison.Ordinal) ? eventType[TypePrefix.Length..] : null;
        if (kind is "ModelRegistered" or "ModelDeployed" or "DatasetDriftDetected" or "RunCompleted" && data.ValueKind != JsonValueKind.Object)
        {
            throw new SourceFormatException($"{path}: missing or not an object ({eventType})");
        }

        PlatformChange Change(string model, ChangeType type, ModelInfo info, IReadOnlyDictionary<string, string> tags, Guid id, params (string, string?)[] attributes) => new()
        {
            Platform = Platform,
            Model = model,
            EventId = id,
            OccurredAt = occurredAt,
            Source = source,
            ChangeType = type,
            ModelInfo = info,
            Tags = tags,
            Attributes = SourceJson.Attributes([("azureml.event", eventType), .. attributes]),
        };

        switch (kind)
        {
            case "ModelRegistered":
                {
                    var name = SourceJson.String(data, "modelName", path);
                    return MappingResult.Of(Change(name, ChangeType.ModelRegistered, new ModelInfo { Name = name, Version = SourceJson.OptionalString(data, "modelVersion", path) }, SourceJson.Tags(data, "modelTags", path), eventId));
                }

            case "ModelDeployed":
                {
                    // modelIds lists every model the service runs ("name:version,name:version"): one change per model.
                    var service = SourceJson.String(data, "serviceName", path);
                    var tags = SourceJson.Tags(data, "serviceTags", path);
                    var models = SourceJson.String(data, "modelIds", path).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    return new MappingResult(models.Select(modelId =>
                    {
                        var separator = modelId.LastIndexOf(':');
                        var name = separator > 0 ? modelId[..separator] : modelId;
                        var version = separator > 0 ? modelId[(separator + 1)..] : null;
                        var id = models.Length == 1 ? eventId : Identity.NameBasedUuid.Create(eventId, modelId);
                        return Change(name, ChangeType.ModelDeployed, new ModelInfo { Name = name, Version = version }, tags, id,
                            ("azureml.service", service), ("azureml.computeType", SourceJson.OptionalString(data, "serviceComputeType", path)));
                    }).ToList(), null);
                }

            case "DatasetDriftDetected":
                {
                    // The event names the drift monitor, not a model: the catalogue lists the monitor as azureml:<monitor name>.
                    var monitor = SourceJson.String(data, "dataDriftName", path);
                    if (!data.TryGetProperty("driftCoefficient", out var coefficient) || coefficient.ValueKind != JsonValueKind.Number)
                    {
                        throw new SourceFormatException($"{path}.driftCoefficient: missing or not a number");
                    }

                    return MappingResult.Of(Change(monitor, ChangeType.MonitoringAlert, new ModelInfo { Metrics = new ModelMetrics { DriftScore = coefficient.GetDouble() } }, new Dictionary<string, string>(), eventId,
                        ("azureml.runId", SourceJson.OptionalString(data, "runId", path)),
                        ("azureml.baseDatasetId", SourceJson.OptionalString(data, "baseDatasetId", path)),
                        ("azureml.targetDatasetId", SourceJson.OptionalString(data, "targetDatasetId", path))));
                }

            case "RunCompleted":
                {
                    // A training run names no registered model: the run tag <prefix>model does, else the experiment name.
                    var tags = SourceJson.Tags(data, "runTags", path);
                    var model = tags.GetValueOrDefault(tagPrefix + "model") ?? SourceJson.String(data, "experimentName", path);
                    var modelTags = tags.Where(t => t.Key != tagPrefix + "model").ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
                    return MappingResult.Of(Change(model, ChangeType.ModelRetrained, new ModelInfo { Name = model }, modelTags, eventId,
                        ("azureml.runId", SourceJson.OptionalString(data, "runId", path)),
                        ("azureml.runType", SourceJson.OptionalString(data, "runType", path)),
                        ("azureml.experimentName", SourceJson.OptionalString(data, "experimentName", path))));
                }

            default:
                return MappingResult.Ignore(string.Create(CultureInfo.InvariantCulture, $"Azure ML event {eventType} is not a change to assess"));
        }
    }
}
