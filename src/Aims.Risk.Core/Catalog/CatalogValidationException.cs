namespace Aims.Risk.Core.Catalog;

/// <summary>A catalogue file that cannot be used; <see cref="Errors"/> lists every problem as <c>file: location: what is wrong</c>.</summary>
public sealed class CatalogValidationException : Exception
{
    public CatalogValidationException()
    {
        Errors = [];
    }

    public CatalogValidationException(string message)
        : base(message)
    {
        Errors = [message];
    }

    public CatalogValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    public CatalogValidationException(IReadOnlyList<string> errors)
        : base(string.Join("; ", errors))
    {
        Errors = errors;
    }

    public IReadOnlyList<string> Errors { get; }
}
