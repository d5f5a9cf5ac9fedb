using System.Text.Json;
using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Sources;

/// <summary>
/// The EventBridge event "SageMaker Model Package State Change" (a model package version registered, approved,
/// rejected): <c>ModelApprovalStatus</c> <c>Approved</c> is a deployment-grade review (<c>ModelDeployed</c>),
/// <c>PendingManualApproval</c> a registration (<c>ModelRegistered</c>); the catalogue key is the model package group.
/// </summary>
public static class SageMakerEvent
{
    public const string Platform = "sagemaker";
    public const string DetailType = "SageMaker Model Package State Change";

    /// <summary>The whole EventBridge event <c>{version, id, detail-type, source, time, detail, ...}</c>.</summary>
    /// <exception cref="SourceFormatException">The body is not an EventBridge event.</exception>
    public static MappingResult Read(ReadOnlyMemory<byte> body, string tagPrefix)
    {
        using var document = SourceJson.Parse(body, "an EventBridge event");
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new SourceFormatException("the body is not a JSON object; an EventBridge event is expected");
        }

        var detailType = SourceJson.String(root, "detail-type", "$");
        var id = SourceJson.String(root, "id", "$");
        var time = SourceJson.OptionalTime(root, "time", "$") ?? throw new SourceFormatException("$.time: missing");
        var source = $"{SourceJson.OptionalString(root, "source", "$") ?? "aws.sagemaker"}/{SourceJson.OptionalString(root, "region", "$")}/{SourceJson.OptionalString(root, "account", "$")}".TrimEnd('/');
        root.TryGetProperty("detail", out var detail);
        return detailType == DetailType
            ? MapDetail(detail, SourceEventIds.For(Platform, id), time, source, tagPrefix)
            : MappingResult.Ignore($"EventBridge event '{detailType}' is not a change to assess");
    }

    /// <summary>Maps the event's <c>detail</c> (also the data of a CloudEvent of this type).</summary>
    public static MappingResult MapDetail(JsonElement detail, Guid eventId, DateTimeOffset occurredAt, string source, string tagPrefix)
    {
        ArgumentNullException.ThrowIfNull(tagPrefix);
        const string path = "$.detail";
        if (detail.ValueKind != JsonValueKind.Object)
        {
            throw new SourceFormatException($"{path}: missing or not an object");
        }

        var group = SourceJson.String(detail, "ModelPackageGroupName", path);
        var status = SourceJson.String(detail, "ModelApprovalStatus", path);
        ChangeType? type = status switch
        {
            "Approved" => ChangeType.ModelDeployed,
            "PendingManualApproval" => ChangeType.ModelRegistered,
            _ => null,
        };
        if (type is null)
        {
            return MappingResult.Ignore($"SageMaker model package {group} approval status '{status}' is not a change to assess");
        }

        return MappingResult.Of(new PlatformChange
        {
            Platform = Platform,
            Model = group,
            EventId = eventId,
            OccurredAt = occurredAt,
            Source = source,
            ChangeType = type.Value,
            ModelInfo = new ModelInfo { Name = group, Version = SourceJson.OptionalString(detail, "ModelPackageVersion", path) },
            Tags = SourceJson.Tags(detail, "CustomerMetadataProperties", path),
            Attributes = SourceJson.Attributes(
                ("sagemaker.modelPackageArn", SourceJson.OptionalString(detail, "ModelPackageArn", path)),
                ("sagemaker.approvalStatus", status),
                ("sagemaker.modelPackageStatus", SourceJson.OptionalString(detail, "ModelPackageStatus", path))),
        });
    }
}
