using System.Text.Json;

namespace Aims.Risk.Contracts;

/// <summary>
/// A value the contract's own converters refuse, with the reason in the contract's words (not System.Text.Json's);
/// the serializer adds the path, and readers report the two together: <c>$.occurredAt: '2026-11-29T11:00:00' has no
/// offset; ...</c>.
/// </summary>
public sealed class ContractValueException : JsonException
{
    public ContractValueException()
    {
    }

    public ContractValueException(string message)
        : base(message)
    {
    }

    public ContractValueException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
