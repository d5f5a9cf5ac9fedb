using System.Text.Json.Serialization;

namespace Aims.Risk.Contracts;

/// <summary>
/// Enums travel as their names. Numbers are refused: <c>"changeType": 3</c> is almost always a
/// publisher bug, and accepting it would let an out-of-range value through.
/// </summary>
public sealed class StrictEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(namingPolicy: null, allowIntegerValues: false)
    where TEnum : struct, Enum;
