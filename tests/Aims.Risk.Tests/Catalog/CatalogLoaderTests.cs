using System.Text;
using System.Text.Json;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Catalog;
using Aims.Risk.TestSupport;
using Aims.Risk.Tests.Cli;

namespace Aims.Risk.Tests.Catalog;

public sealed class CatalogLoaderTests : IDisposable
{
    private static readonly string Example = Path.Combine(RepositoryRoot.Path, "deploy", "catalog", "systems.json");
    private static readonly string SchemaFile = Path.Combine(RepositoryRoot.Path, "deploy", "schemas", "system-catalog.schema.json");
    private readonly string _folder = Directory.CreateTempSubdirectory("aims-risk-catalog-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_shipped_example_is_valid_and_finds_models_by_platform()
    {
        var catalog = CatalogLoader.Load(Example);

        Assert.Equal("1.0.0", catalog.Version);
        Assert.Equal("credit-scoring", catalog.Find("sagemaker", "credit-scoring")?.System.Id);
        Assert.Equal("demand-forecasting", catalog.Find("azureml", "demand-forecast-drift")?.System.Id);
        Assert.Null(catalog.Find("mlflow", "Credit-Scoring"));
        Assert.Null(catalog.Find("azureml", "demand-forecast"));
    }

    [Theory]
    [InlineData("""{"version":"1.0.0","systems":[{"platformModels":["mlflow:a"],"system":{"id":"a","name":"A"}}]}""", "/systems/0/system: Required properties [\"owner\"] are not present")]
    [InlineData("""{"version":"1.0.0","systems":[{"platformModels":["kubeflow:a"],"system":{"id":"a","name":"A","owner":"o"}}]}""", "/systems/0/platformModels/0")]
    [InlineData("""{"version":"1.0.0","systems":[{"platformModels":["mlflow:a"],"system":{"id":"a","name":"A","owner":"o","exposure":"Everyone"}}]}""", "/systems/0/system/exposure")]
    [InlineData("""{"version":"one","systems":[{"platformModels":["mlflow:a"],"system":{"id":"a","name":"A","owner":"o"}}]}""", "/version")]
    [InlineData("""{"version":"1.0.0","systems":[{"platformModels":["mlflow:a"],"system":{"id":"a","name":"A","owner":"o"},"evidence":{"security":{"signed":true}}}]}""", "/systems/0/evidence/security")]
    [InlineData("""{"version":"1.0.0","systems":[{"platformModels":["mlflow:a"],"system":{"id":"a","name":"A","owner":"o"}},{"platformModels":["mlflow:a"],"system":{"id":"b","name":"B","owner":"o"}}]}""", "'mlflow:a' is also listed by system 'a'")]
    [InlineData("""{"version":"1.0.0","systems":[{"platformModels":["mlflow:a"],"system":{"id":"a","name":"A","owner":"o"}},{"platformModels":["mlflow:b"],"system":{"id":"a","name":"A","owner":"o"}}]}""", "system 'a' has another entry")]
    [InlineData("""{"version":"1.0.0","systems":[""", "invalid JSON")]
    public void An_invalid_catalogue_is_refused_naming_file_location_and_problem(string content, string expected)
    {
        var file = Write(content);

        var ex = Assert.Throws<CatalogValidationException>(() => CatalogLoader.Load(file));

        Assert.Contains(ex.Errors, e => e.StartsWith(file + ": ", StringComparison.Ordinal) && e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_file_is_refused()
    {
        var ex = Assert.Throws<CatalogValidationException>(() => CatalogLoader.Load(Path.Combine(_folder, "none.json")));

        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>The schema's enums are written out by hand: they must stay the contract's.</summary>
    [Theory]
    [InlineData("exposure", typeof(Exposure))]
    [InlineData("autonomy", typeof(Autonomy))]
    [InlineData("euAiActRiskClass", typeof(EuAiActRiskClass))]
    public void Schema_enums_are_the_contract_enums(string property, Type enumType)
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(SchemaFile));
        var values = schema.RootElement.GetProperty("$defs").GetProperty("system").GetProperty("properties").GetProperty(property).GetProperty("enum")
            .EnumerateArray().Select(v => v.GetString()).ToList();

        Assert.Equal(Enum.GetNames(enumType), values);
    }

    [Fact]
    public async Task Cli_catalog_validate_exits_0_on_the_example_and_1_listing_errors()
    {
        var valid = await CliRunner.Run("catalog", "validate", "--catalog", Example);
        var invalid = await CliRunner.RunWith(new Dictionary<string, string?> { ["Catalog:Path"] = Write("""{"version":"1.0.0","systems":[]}""") }, "catalog", "validate");
        var none = await CliRunner.Run("catalog", "validate");

        Assert.Equal((0, "valid: catalogue 1.0.0, 2 systems, 6 platform models"), (valid.ExitCode, valid.Output.Trim()));
        Assert.Equal(1, invalid.ExitCode);
        Assert.Contains("/systems: ", invalid.Error, StringComparison.Ordinal);
        Assert.Contains("invalid: 1 error(s)", invalid.Error, StringComparison.Ordinal);
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("Catalog:Path", none.Error, StringComparison.Ordinal);
    }

    private string Write(string content)
    {
        var file = Path.Combine(_folder, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(file, content, new UTF8Encoding(false));
        return file;
    }
}
