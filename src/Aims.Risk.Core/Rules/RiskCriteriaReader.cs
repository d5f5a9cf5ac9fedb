using System.Text.Json;
using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Rules;

/// <summary>
/// The criteria file: the 5×5 grid of levels (which must not fall as likelihood or impact grows), the acceptance
/// threshold, the days allowed per level and the longest acceptance.
/// </summary>
internal static class RiskCriteriaReader
{
    public static RiskCriteria? Read(RuleSetFolder folder, string file, List<RuleSetError> errors)
    {
        if (folder.ReadJson(file, "criteria") is not { } json)
        {
            return null;
        }

        var before = errors.Count;
        var grid = new RiskLevel[RiskCriteria.Scale, RiskCriteria.Scale];
        if (json.TryGetProperty("grid", out var rows) && rows.ValueKind == JsonValueKind.Array && rows.GetArrayLength() == RiskCriteria.Scale)
        {
            var l = 0;
            foreach (var row in rows.EnumerateArray())
            {
                if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != RiskCriteria.Scale)
                {
                    errors.Add(new RuleSetError(file, null, $"grid: row {l + 1} (likelihood {l + 1}) must list {RiskCriteria.Scale} levels, one per impact 1-{RiskCriteria.Scale}"));
                }
                else
                {
                    var i = 0;
                    foreach (var cell in row.EnumerateArray())
                    {
                        if (RuleJson.ParseEnum<RiskLevel>(cell) is { } level)
                        {
                            grid[l, i] = level;
                        }
                        else
                        {
                            errors.Add(new RuleSetError(file, null, $"grid: likelihood {l + 1}, impact {i + 1}: '{cell}' is not a level ({string.Join(", ", Enum.GetNames<RiskLevel>())})"));
                        }

                        i++;
                    }
                }

                l++;
            }
        }
        else
        {
            errors.Add(new RuleSetError(file, null, $"grid: {RiskCriteria.Scale} rows (likelihood 1-{RiskCriteria.Scale}) of {RiskCriteria.Scale} levels (impact 1-{RiskCriteria.Scale}) are required"));
        }

        if (errors.Count == before)
        {
            // Levels must not fall as likelihood or impact grows: a lower cell is almost always a typo.
            for (var l = 0; l < RiskCriteria.Scale; l++)
            {
                for (var i = 0; i < RiskCriteria.Scale; i++)
                {
                    if (i > 0 && grid[l, i] < grid[l, i - 1])
                    {
                        errors.Add(new RuleSetError(file, null, $"grid: likelihood {l + 1}, impact {i + 1} is {grid[l, i]}, lower than {grid[l, i - 1]} at impact {i}: levels must not fall as impact grows"));
                    }

                    if (l > 0 && grid[l, i] < grid[l - 1, i])
                    {
                        errors.Add(new RuleSetError(file, null, $"grid: likelihood {l + 1}, impact {i + 1} is {grid[l, i]}, lower than {grid[l - 1, i]} at likelihood {l}: levels must not fall as likelihood grows"));
                    }
                }
            }
        }

        RiskLevel threshold = default;
        if (!json.TryGetProperty("acceptanceThreshold", out var t) || RuleJson.ParseEnum<RiskLevel>(t) is not { } parsedThreshold)
        {
            errors.Add(new RuleSetError(file, null, $"acceptanceThreshold: a level is required ({string.Join(", ", Enum.GetNames<RiskLevel>())})"));
        }
        else
        {
            threshold = parsedThreshold;
        }

        var dueDays = new Dictionary<RiskLevel, int>();
        if (json.TryGetProperty("dueDays", out var due) && due.ValueKind == JsonValueKind.Object)
        {
            foreach (var level in Enum.GetValues<RiskLevel>())
            {
                if (due.TryGetProperty(level.ToString(), out var days) && days.ValueKind == JsonValueKind.Number && days.TryGetInt32(out var n) && n is > 0 and <= 3650)
                {
                    dueDays[level] = n;
                }
                else
                {
                    errors.Add(new RuleSetError(file, null, $"dueDays.{level}: a whole number of days from 1 to 3650 is required"));
                }
            }

            RuleJson.RejectUnknownKeys(due, Enum.GetNames<RiskLevel>(), file, null, "dueDays", errors);
        }
        else
        {
            errors.Add(new RuleSetError(file, null, "dueDays: an object with the days allowed per level is required"));
        }

        var maxAcceptanceDays = RiskCriteria.DefaultMaxAcceptanceDays;
        if (json.TryGetProperty("maxAcceptanceDays", out var max))
        {
            if (max.ValueKind == JsonValueKind.Number && max.TryGetInt32(out var days) && days is >= 1 and <= 3650)
            {
                maxAcceptanceDays = days;
            }
            else
            {
                errors.Add(new RuleSetError(file, null, "maxAcceptanceDays: a whole number of days from 1 to 3650 is required"));
            }
        }

        RuleJson.RejectUnknownKeys(json, ["$schema", "grid", "acceptanceThreshold", "maxAcceptanceDays", "dueDays"], file, null, "criteria", errors);
        return errors.Count > before ? null : new RiskCriteria(grid, threshold, dueDays, maxAcceptanceDays);
    }
}
