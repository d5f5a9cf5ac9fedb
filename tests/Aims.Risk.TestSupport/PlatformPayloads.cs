using System.Security.Cryptography;
using System.Text;

namespace Aims.Risk.TestSupport;

/// <summary>
/// Payloads in the shapes the platforms send: MLflow 3's webhook body (Python's json.dumps layout, as MLflow
/// serialises it), Azure Event Grid's event schema and CloudEvents schema for Azure ML, and EventBridge's
/// "SageMaker Model Package State Change".
/// </summary>
public static class PlatformPayloads
{
    public const string MlflowSecret = "whsec-test-secret";

    public static string MlflowModelVersionCreated(string model = "credit-scoring", string tags = "{\"aims.owner\": \"ml-platform@example.com\"}") =>
        "{\"entity\": \"model_version\", \"action\": \"created\", \"timestamp\": \"2026-11-29T16:45:00.123456+00:00\", \"data\": "
        + $"{{\"name\": \"{model}\", \"version\": \"3\", \"source\": \"models:/m-7f3a\", \"run_id\": \"5d9c1e2f4b6a\", \"tags\": {tags}, \"description\": \"retrained on Q4 data\"}}}}";

    public static string Mlflow(string entity, string action, string data) =>
        $"{{\"entity\": \"{entity}\", \"action\": \"{action}\", \"timestamp\": \"2026-11-29T16:45:00.123456+00:00\", \"data\": {data}}}";

    /// <summary>The signature as MLflow computes it: v1, base64(HMAC-SHA256(secret, "{delivery id}.{timestamp}.{body}")).</summary>
    public static string MlflowSignature(string secret, string deliveryId, string timestamp, string body) =>
        "v1," + Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{deliveryId}.{timestamp}.{body}")));

    public static string EventGrid(string eventType, string data, string id = "831e1650-001e-001b-66ab-eeb76e069631", string time = "2026-11-29T16:45:00.1234567Z") =>
        $$"""[{"id":"{{id}}","topic":"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/ml-ws","subject":"models/credit-scoring:2","eventType":"{{eventType}}","eventTime":"{{time}}","data":{{data}},"dataVersion":"2","metadataVersion":"1"}]""";

    public const string EventGridValidation =
        """[{"id":"2d1781af-3a4c-4d7c-bd0c-e34b19da4e66","topic":"/subscriptions/00000000-0000-0000-0000-000000000000","subject":"","data":{"validationCode":"512d38b6-c7b8-40c8-89fe-f46f9e9622b6","validationUrl":"https://rp-eastus2.eventgrid.azure.net:553/eventsubscriptions/myeventsub/validate?id=0000000000-0000-0000-0000-00000000000000&t=2026-11-29T16:45:00.0000000Z&apiVersion=2018-05-01-preview&token=1A1A1A1A"},"eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","eventTime":"2026-11-29T16:45:00.0000000Z","metadataVersion":"1","dataVersion":"1"}]""";

    public const string AzureModelRegisteredData = """{"modelName":"credit-scoring","modelVersion":"2","modelTags":{"aims.euAiActRiskClass":"Limited","area":"credit"},"modelProperties":{"framework":"sklearn"}}""";

    public const string AzureModelDeployedData = """{"serviceName":"credit-scoring-svc","serviceComputeType":"ACI","modelIds":"credit-scoring:2","serviceTags":{"aims.security.artifactSigned":"true"},"serviceProperties":{}}""";

    public const string AzureDriftData = """{"dataDriftId":"01d29aa4-e6a4-470a-9ef3-66660d21f8ef","dataDriftName":"demand-forecast-drift","runId":"01d29aa4-e6a4-470a-9ef3-66660d21f8ef_1571590300380","baseDatasetId":"3c56d136-0f64-4657-a0e8-5162089a88a3","targetDatasetId":"d7e74d2e-c972-4266-b5fb-6c9c182d2a74","driftCoefficient":0.83,"startTime":"2026-11-20T00:00:00Z","endTime":"2026-11-27T00:00:00Z"}""";

    public const string AzureRunCompletedData = """{"experimentId":"88e1b5b0-3b1e-4b2c-9e8a-0f2c3e4d5a6b","experimentName":"credit-training","runId":"credit-training_1700000000_abc","runType":"azureml.scriptrun","runTags":{"aims.model":"credit-scoring"},"runProperties":{"ContentSnapshotId":"x"}}""";

    public static string AzureCloudEvent(string type, string data, string id = "e3c3c2f4-1e2d-4c8b-9a4a-1d2c3b4a5e6f") =>
        $$"""{"specversion":"1.0","id":"{{id}}","source":"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/ml-ws","subject":"models/credit-scoring:2","type":"{{type}}","time":"2026-11-29T16:45:00.1234567Z","data":{{data}}}""";

    public static string SageMaker(string status, string group = "credit-scoring", string id = "8b6c2e3f-1a4d-4b5c-9e7f-0a1b2c3d4e5f", string detailType = "SageMaker Model Package State Change") =>
        $$$"""{"version":"0","id":"{{{id}}}","detail-type":"{{{detailType}}}","source":"aws.sagemaker","account":"123456789012","time":"2026-11-29T16:45:00Z","region":"eu-west-1","resources":["arn:aws:sagemaker:eu-west-1:123456789012:model-package/{{{group}}}/4"],"detail":{"ModelPackageGroupName":"{{{group}}}","ModelPackageVersion":4,"ModelPackageArn":"arn:aws:sagemaker:eu-west-1:123456789012:model-package/{{{group}}}/4","CreationTime":1795970000000,"InferenceSpecification":{"Containers":[{"Image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/xgboost:1","ModelDataUrl":"s3://bucket/model.tar.gz"}],"SupportedContentTypes":["text/csv"],"SupportedResponseMIMETypes":["text/csv"]},"ModelPackageStatus":"Completed","ModelApprovalStatus":"{{{status}}}","CustomerMetadataProperties":{"aims.evaluation.humanReviewCompleted":"true"},"LastModifiedTime":1795970700000}}""";
}
