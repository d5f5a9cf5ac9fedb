using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Aims.Risk.Contracts;
using Aims.Risk.Core.Events;
using Aims.Risk.Core.IO;
using Aims.Risk.Core.Scoring;

namespace Aims.Risk.Cli.Commands;

/// <summary>
/// <c>assess FILE|DIR...</c>: evaluates change events and prints the findings. With <c>--fail-on LEVEL</c> it
/// is a deployment gate: exit 2 when any finding is at or above LEVEL.
/// </summary>
internal static class AssessCommand
{
    private static readonly JsonSerializerOptions JsonOutput = new(ContractJson.Options) { WriteIndented = true };

    public static Command Create(CliContext context)
    {
        var paths = new Argument<string[]>("FILE|DIR")
        {
            Description = "AiSystemChanged JSON files, or folders of them (*.json)",
            Arity = ArgumentArity.OneOrMore,
        };
        var rules = CliContext.RulesOption();
        var format = new Option<string>("--format")
        {
            Description = "Output format",
            DefaultValueFactory = _ => "table",
        };
        format.AcceptOnlyFromAmong("table", "json");
        var failOn = new Option<RiskLevel?>("--fail-on")
        {
            Description = "Exit 2 when any finding is at or above this level (Low, Medium, High, Critical)",
            HelpName = "LEVEL",
        };

        var command = new Command("assess", "Assess change events against the rule set and print the findings") { paths, rules, format, failOn };
        command.SetAction(result => Run(
            context,
            result.GetValue(paths)!,
            context.RulesPath(result, rules),
            result.GetValue(format)!,
            result.GetValue(failOn)));
        return command;
    }

    private static int Run(CliContext context, string[] paths, string rulesPath, string format, RiskLevel? failOn)
    {
        if (RulesCommands.TryLoad(context, rulesPath) is not { } ruleSet)
        {
            return AimsRiskCli.Invalid;
        }

        var evaluator = new RiskEvaluator(context.Clock);
        var assessments = new List<(string File, EventAssessment Assessment)>();
        var invalid = false;
        foreach (var file in Expand(paths, context, ref invalid))
        {
            try
            {
                // Checked before reading: a FIFO or a device would never end, a huge file would be read whole for nothing.
                var body = BoundedFile.TryReadBytes(file, out var problem, AiSystemChangedReader.DefaultMaxBytes)
                    ?? throw new InvalidDataException(problem);
                var change = AiSystemChangedReader.Read(body, context.Clock);
                assessments.Add((file, evaluator.Evaluate(change, ruleSet)));
            }
            catch (InvalidEventException ex)
            {
                context.Error.WriteLine($"{file}: not a valid AiSystemChanged: {ex.Message}");
                invalid = true;
            }
            catch (InvalidDataException ex)
            {
                context.Error.WriteLine($"{file}: {ex.Message}");
                invalid = true;
            }
            catch (IOException ex)
            {
                context.Error.WriteLine($"{file}: cannot be read: {ex.Message}");
                invalid = true;
            }
        }

        if (format == "json")
        {
            WriteJson(context.Output, assessments);
        }
        else
        {
            WriteTable(context.Output, assessments);
        }

        if (invalid)
        {
            return AimsRiskCli.Invalid;
        }

        var gate = failOn is { } level
            ? assessments.SelectMany(a => a.Assessment.Findings).Where(f => f.Level >= level).ToList()
            : [];
        if (gate.Count > 0)
        {
            context.Error.WriteLine($"gate: {gate.Count} finding(s) at or above {failOn}: {string.Join(", ", gate.Select(f => $"{f.RuleId} ({f.Level})").Distinct())}");
            return AimsRiskCli.GateFailed;
        }

        return AimsRiskCli.Success;
    }

    private static readonly EnumerationOptions FolderWalk = new()
    {
        RecurseSubdirectories = true,
        AttributesToSkip = FileAttributes.ReparsePoint,
        IgnoreInaccessible = false,
    };

    private static List<string> Expand(string[] paths, CliContext context, ref bool invalid)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                // Symbolic links are not followed inside a folder: a link to a parent folder would loop for ever.
                files.AddRange(Directory.EnumerateFiles(path, "*.json", FolderWalk).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                context.Error.WriteLine($"{path}: no such file or folder");
                invalid = true;
            }
        }

        return files;
    }

    private static void WriteJson(TextWriter output, List<(string File, EventAssessment Assessment)> assessments)
    {
        var documents = assessments.Select(a => new
        {
            file = a.File,
            eventId = a.Assessment.Change.EventId,
            systemId = a.Assessment.Change.System.Id,
            changeType = a.Assessment.Change.ChangeType,
            ruleSetVersion = a.Assessment.RuleSetVersion,
            ruleSetHash = a.Assessment.RuleSetHash,
            assessedAt = a.Assessment.AssessedAt,
            findings = a.Assessment.Findings,
            errors = a.Assessment.Errors,
        });
        output.WriteLine(JsonSerializer.Serialize(documents, JsonOutput));
    }

    private static void WriteTable(TextWriter output, List<(string File, EventAssessment Assessment)> assessments)
    {
        foreach (var (file, assessment) in assessments)
        {
            var change = assessment.Change;
            output.WriteLine($"{file}: {change.System.Id} {change.ChangeType} (event {change.EventId}), rule set {assessment.RuleSetVersion}: {assessment.Findings.Count} finding(s)");
            if (assessment.Findings.Count > 0)
            {
                var rows = assessment.Findings
                    .Select(f => new[] { f.RuleId, f.Level.ToString(), f.Score.ToString(CultureInfo.InvariantCulture), f.Treatment.ToString(), f.DueBy?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "-", f.Title })
                    .Prepend(["RULE", "LEVEL", "SCORE", "TREATMENT", "DUE", "TITLE"])
                    .ToList();
                var widths = Enumerable.Range(0, 5).Select(i => rows.Max(r => r[i].Length)).ToArray();
                foreach (var row in rows)
                {
                    output.WriteLine("  " + string.Join("  ", row.Take(5).Select((cell, i) => cell.PadRight(widths[i]))) + "  " + row[5]);
                }
            }

            foreach (var error in assessment.Errors)
            {
                output.WriteLine($"  rule {error.RuleId} failed to evaluate: {error.Message}");
            }
        }
    }
}
