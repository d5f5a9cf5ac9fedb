namespace Aims.Risk.Core.Rules;

/// <summary>A rule set was refused. <see cref="Errors"/> lists every problem found, not just the first.</summary>
public sealed class RuleSetValidationException : Exception
{
    public RuleSetValidationException(string directory, IReadOnlyList<RuleSetError> errors)
        : base(Describe(directory, errors))
    {
        Directory = directory;
        Errors = errors;
    }

    public RuleSetValidationException()
    {
        Directory = "";
        Errors = [];
    }

    public RuleSetValidationException(string message)
        : base(message)
    {
        Directory = "";
        Errors = [];
    }

    public RuleSetValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Directory = "";
        Errors = [];
    }

    public string Directory { get; }

    public IReadOnlyList<RuleSetError> Errors { get; }

    private static string Describe(string directory, IReadOnlyList<RuleSetError> errors) =>
        $"The rule set in '{directory}' is invalid ({errors.Count} error{(errors.Count == 1 ? "" : "s")}):"
        + string.Concat(errors.Select(e => Environment.NewLine + "  " + e));
}
