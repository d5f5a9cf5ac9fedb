using System.Text.Json;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Events;
using Json.Schema;

namespace Aims.Risk.Core.Catalog;

/// <summary>
/// Reads and validates a catalogue file: its JSON Schema (embedded in the build, as the rule schemas are), then
/// what a schema cannot say: a platform model listed by two systems, two entries with the same system id.
/// </summary>
public static class CatalogLoader
{
    /// <summary>The largest catalogue file read (a few thousand systems).</summary>
    public const int MaxBytes = 16 << 20;

    private static readonly Lazy<JsonSchema> Schema = new(LoadSchema);

    private static readonly EvaluationOptions EvaluationOptions = new() { OutputFormat = OutputFormat.List };

    /// <exception cref="CatalogValidationException">The file is missing or not a valid catalogue; every problem is listed.</exception>
    public static SystemCatalog Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new CatalogValidationException($"{path}: the catalogue file does not exist");
            }

            if (info.Length > MaxBytes)
            {
                throw new CatalogValidationException($"{path}: {info.Length} bytes; the limit is {MaxBytes}");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CatalogValidationException($"{path}: cannot be read: {ex.Message}");
        }

        return Parse(bytes, path);
    }

    /// <summary>Comments are allowed in the catalogue (people write it), trailing commas are not.</summary>
    private static JsonReaderOptions ReaderOptions => new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false, MaxDepth = ContractJson.MaxDepth };

    /// <exception cref="CatalogValidationException">The content is not a valid catalogue; every problem is listed.</exception>
    public static SystemCatalog Parse(ReadOnlySpan<byte> content, string path)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(content, ReaderOptions);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            throw new CatalogValidationException($"{path}: {JsonRefusalText.Syntax(content, ReaderOptions) ?? "invalid JSON"}");
        }

        using (document)
        {
            var errors = SchemaErrors(document.RootElement).Select(e => $"{path}: {e}").ToList();
            if (errors.Count > 0)
            {
                throw new CatalogValidationException(errors);
            }

            SystemCatalog catalog;
            try
            {
                catalog = document.RootElement.Deserialize<SystemCatalog>(ContractJson.Options)
                    ?? throw new CatalogValidationException($"{path}: the catalogue is JSON null");
            }
            catch (JsonException ex)
            {
                throw new CatalogValidationException($"{path}: {JsonRefusalText.For(ex, content, typeof(SystemCatalog), ContractJson.Options, ReaderOptions)}");
            }

            errors.AddRange(Consistency(catalog).Select(e => $"{path}: {e}"));
            if (errors.Count > 0)
            {
                throw new CatalogValidationException(errors);
            }

            return new SystemCatalog { Version = catalog.Version, Systems = catalog.Systems, Path = path };
        }
    }

    private static IEnumerable<string> SchemaErrors(JsonElement root)
    {
        var result = Schema.Value.Evaluate(root, EvaluationOptions);
        if (result.IsValid)
        {
            yield break;
        }

        foreach (var detail in (result.Details ?? []).Prepend(result))
        {
            if (detail.Errors is null)
            {
                continue;
            }

            foreach (var (keyword, message) in detail.Errors)
            {
                var location = detail.InstanceLocation.ToString();
                yield return $"{(location.Length == 0 ? "/" : location)}: {message} ({keyword})";
            }
        }
    }

    private static IEnumerable<string> Consistency(SystemCatalog catalog)
    {
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        var systemIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < catalog.Systems.Count; i++)
        {
            var entry = catalog.Systems[i];
            if (!systemIds.Add(entry.System.Id))
            {
                yield return $"/systems/{i}/system/id: system '{entry.System.Id}' has another entry; list all its platform models in one";
            }

            foreach (var model in entry.PlatformModels)
            {
                if (owners.TryGetValue(model, out var other))
                {
                    yield return $"/systems/{i}/platformModels: '{model}' is also listed by system '{other}'; a platform model belongs to one system";
                }
                else
                {
                    owners[model] = entry.System.Id;
                }
            }

            foreach (var (key, value) in entry.Attributes ?? new Dictionary<string, AttributeValue>())
            {
                if (value.Text is { Length: > AiSystemChangedValidator.MaxTextLength })
                {
                    yield return $"/systems/{i}/attributes/{key}: longer than {AiSystemChangedValidator.MaxTextLength} characters";
                }
            }
        }
    }

    private static JsonSchema LoadSchema()
    {
        const string name = "Aims.Risk.Core.Catalog.system-catalog.schema.json";
        using var stream = typeof(CatalogLoader).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded schema {name} is missing from the build");
        using var reader = new StreamReader(stream);
        return JsonSchema.FromText(reader.ReadToEnd(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
    }
}
