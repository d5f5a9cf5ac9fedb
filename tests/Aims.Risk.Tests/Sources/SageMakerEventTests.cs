using System.Text;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Sources;
using Aims.Risk.TestSupport;

namespace Aims.Risk.Tests.Sources;

public sealed class SageMakerEventTests
{
    [Theory]
    [InlineData("Approved", ChangeType.ModelDeployed)]
    [InlineData("PendingManualApproval", ChangeType.ModelRegistered)]
    public void Approval_status_decides_the_change_type(string status, ChangeType expected)
    {
        var change = Assert.Single(Read(PlatformPayloads.SageMaker(status)).Changes);

        Assert.Equal(("sagemaker", "credit-scoring", expected), (change.Platform, change.Model, change.ChangeType));
        Assert.Equal("4", change.ModelInfo!.Version);
        Assert.Equal("true", change.Tags["aims.evaluation.humanReviewCompleted"]);
        Assert.Equal(SourceEventIds.For("sagemaker", "8b6c2e3f-1a4d-4b5c-9e7f-0a1b2c3d4e5f"), change.EventId);
        Assert.Equal("aws.sagemaker/eu-west-1/123456789012", change.Source);
    }

    [Theory]
    [InlineData("Rejected", "SageMaker Model Package State Change", "approval status 'Rejected'")]
    [InlineData("Approved", "SageMaker Endpoint State Change", "'SageMaker Endpoint State Change' is not a change")]
    public void Other_states_and_events_are_ignored(string status, string detailType, string reason)
    {
        var result = Read(PlatformPayloads.SageMaker(status, detailType: detailType));

        Assert.Empty(result.Changes);
        Assert.Contains(reason, result.Ignored, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"id":"1","detail-type":"SageMaker Model Package State Change","time":"2026-11-29T16:45:00Z","detail":{"ModelApprovalStatus":"Approved"}}""", "$.detail.ModelPackageGroupName: missing")]
    [InlineData("""{"id":"1","detail-type":"SageMaker Model Package State Change","time":"2026-11-29T16:45:00Z"}""", "$.detail: missing")]
    [InlineData("""{"detail-type":"SageMaker Model Package State Change"}""", "$.id: missing")]
    [InlineData("[]", "not a JSON object")]
    public void Malformed_events_are_refused_naming_what_is_wrong(string body, string reason)
    {
        var ex = Assert.Throws<SourceFormatException>(() => Read(body));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    private static MappingResult Read(string body) => SageMakerEvent.Read(Encoding.UTF8.GetBytes(body), "aims.");
}
