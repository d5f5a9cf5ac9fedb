using System.Text.Json;
using System.Text.Json.Nodes;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.RuleChanges;
using Aims.Risk.Core.Rules;
using Aims.Risk.Core.Storage;
using Aims.Risk.TestSupport;

namespace Aims.Risk.Tests.RuleChanges;

/// <summary>
/// The register-wide diff compares on several threads: over a generated register it must report exactly what one
/// comparer reports, and what comparing each input alone gives, in the same order.
/// </summary>
public sealed class RegisterDiffTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("aims-risk-diff-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Over_a_generated_register_the_parallel_diff_reports_what_one_comparer_and_each_input_alone_report()
    {
        var active = RuleSetLoader.Load(RepositoryRoot.Rules);
        var candidate = Candidate(active);
        var inputs = Register(active, 3000);

        var sequential = await RegisterDiff.RunAsync(ToAsync(inputs), active, candidate, default, parallelism: 1);
        var parallel = await RegisterDiff.RunAsync(ToAsync(inputs), active, candidate, default, parallelism: 4);
        var differ = new RuleSetDiffer(active, candidate);
        var alone = inputs
            .Select(i => differ.Compare(JsonSerializer.Deserialize<AiSystemChanged>(i.Payload, ContractJson.Options)!))
            .Where(d => d.Changes.Count > 0 || d.CandidateErrors.Count > 0)
            .OrderBy(d => d.SystemId, StringComparer.Ordinal)
            .ToList();

        Assert.Equal((3000, 3000), (sequential.Systems, parallel.Systems));
        Assert.InRange(alone.Count, 1000, 3000);
        Assert.Equal(Render(alone), Render(sequential.Changed));
        Assert.Equal(Render(sequential.Changed), Render(parallel.Changed));
        Assert.Equal(sequential.Totals, parallel.Totals);
        Assert.Equal(sequential.Rules, parallel.Rules);
    }

    /// <summary>The shipped pack with the acceptance threshold raised to High and a new rule on public systems.</summary>
    private RuleSet Candidate(RuleSet active)
    {
        var folder = ShippedRulePack.CopyTo(Path.Combine(_folder, "candidate"));
        var criteria = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "criteria.json")))!;
        criteria["acceptanceThreshold"] = "High";
        File.WriteAllText(Path.Combine(folder, "criteria.json"), criteria.ToJsonString());
        ShippedRulePack.AddPublicSystemsRule(folder, active.Version + "-candidate");
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, RuleSetLoader.ManifestFile)))!;
        manifest.AsObject().Remove("changelog");
        File.WriteAllText(Path.Combine(folder, RuleSetLoader.ManifestFile), manifest.ToJsonString());
        return RuleSetLoader.Load(folder);
    }

    /// <summary>Latest inputs of generated systems the strict reader admits, not in system order (the diff sorts them).</summary>
    private static List<LatestInput> Register(RuleSet ruleSet, int systems)
    {
        var generator = new RandomEvents(13, ruleSet);
        var inputs = new List<LatestInput>(systems);
        while (inputs.Count < systems)
        {
            var change = generator.Next();
            change = change with { EventId = Guid.NewGuid(), System = change.System with { Id = $"system-{inputs.Count * 7919 % systems:D5}" } };
            var payload = JsonSerializer.SerializeToUtf8Bytes(change, ContractJson.Options);
            try
            {
                _ = AiSystemChangedReader.Read(payload, TimeProvider.System);
            }
            catch (InvalidEventException)
            {
                continue;
            }

            inputs.Add(new LatestInput(change.System.Id, change.EventId, SampleEvents.Now, ruleSet.Version, ruleSet.Hash, payload));
        }

        return inputs;
    }

    private static string Render(IEnumerable<SystemDiff> diffs) => string.Join('\n', diffs.Select(d => JsonSerializer.Serialize(d)));

    private static async IAsyncEnumerable<LatestInput> ToAsync(IEnumerable<LatestInput> inputs)
    {
        foreach (var input in inputs)
        {
            await Task.Yield();
            yield return input;
        }
    }
}
