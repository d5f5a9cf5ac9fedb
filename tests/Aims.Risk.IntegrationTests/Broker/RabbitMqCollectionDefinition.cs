namespace Aims.Risk.IntegrationTests.Broker;

/// <summary>The test classes that share one <see cref="RabbitMqFixture"/>; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class RabbitMqCollectionDefinition : ICollectionFixture<RabbitMqFixture>
{
    public const string Name = "rabbitmq";
}
