using Aims.Risk.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aims.Risk.Core.Rules;

/// <summary>
/// Holds the active rule set. A candidate becomes active only after it loads (which validates it) and its
/// rule tests pass; otherwise the active one stays and the log names each file and rule at fault. Every
/// activated version is archived in <c>RuleSetVersions</c>, and a changed content under an archived version is refused
/// (<see cref="RuleSetVersionCheck"/>).
/// </summary>
public sealed partial class RuleSetProvider(
    IOptions<RulesOptions> options,
    IRiskRegister register,
    TimeProvider clock,
    ILogger<RuleSetProvider> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile RuleSet? _current;

    /// <summary>Raised after a new rule set became active.</summary>
    public event Action<RuleSet>? Activated;

    public RuleSet Current => _current ?? throw new InvalidOperationException("no rule set is active yet");

    public bool HasRuleSet => _current is not null;

    /// <summary>The last refusal, for health checks: null when the folder's content is the active one.</summary>
    public IReadOnlyList<RuleSetError>? LastRefusal { get; private set; }

    /// <summary>Loads, tests and activates the rule set in the configured folder.</summary>
    /// <returns>True when it was activated (or was already active); false when refused.</returns>
    public async Task<bool> TryActivateAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var path = options.Value.Path;
            var candidate = LoadAndTest(path, out var errors);
            if (candidate is not null && _current?.Hash != candidate.Hash)
            {
                errors = RuleSetVersionCheck.Check(candidate, await register.ReadRuleSetsAsync(cancellationToken));
                candidate = errors.Count == 0 ? candidate : null;
            }

            if (candidate is null)
            {
                LastRefusal = errors;
                LogRefused(path, errors.Count, _current);
                foreach (var error in errors)
                {
                    LogRuleSetError(error.File, error.RuleId ?? "-", error.Message);
                }

                return false;
            }

            LastRefusal = null;
            if (_current?.Hash == candidate.Hash)
            {
                return true;
            }

            await register.ArchiveRuleSetAsync(new RuleSetArchive(candidate.Version, candidate.Hash, candidate.Content, clock.GetUtcNow()), cancellationToken);
            var previous = _current;
            _current = candidate;
            LogActivated(candidate, previous);
            Activated?.Invoke(candidate);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private RuleSet? LoadAndTest(string path, out IReadOnlyList<RuleSetError> errors)
    {
        try
        {
            return LoadAndTestFiles(path, out errors);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The folder changed under the reload (deleted, moved, made unreadable): a refusal like any other.
            errors = [new RuleSetError(path, null, $"the rule set folder could not be read: {ex.Message}")];
            return null;
        }
    }

    private RuleSet? LoadAndTestFiles(string path, out IReadOnlyList<RuleSetError> errors)
    {
        RuleSet ruleSet;
        try
        {
            ruleSet = RuleSetLoader.Load(path, options.Value.MaxRules);
        }
        catch (RuleSetValidationException ex)
        {
            errors = ex.Errors;
            return null;
        }

        var testsFolder = System.IO.Path.Combine(path, RuleTestRunner.TestsFolder);
        if (!Directory.Exists(testsFolder))
        {
            errors = options.Value.RequireTests
                ? [new RuleSetError(RuleTestRunner.TestsFolder, null, "the rule set has no tests folder; its tests must pass before it is activated (Rules:RequireTests)")]
                : [];
            return options.Value.RequireTests ? null : ruleSet;
        }

        var report = RuleTestRunner.Run(ruleSet, path, clock);
        errors = report.Failures;
        return report.Passed ? ruleSet : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rule set {RuleSet} is active (was {Previous})")]
    private partial void LogActivated(RuleSet ruleSet, RuleSet? previous);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rule set in {Path} refused with {ErrorCount} error(s); the active rule set stays: {Active}")]
    private partial void LogRefused(string path, int errorCount, RuleSet? active);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rule set error in {RuleFile}, rule {RuleId}: {Problem}")]
    private partial void LogRuleSetError(string ruleFile, string ruleId, string problem);
}
