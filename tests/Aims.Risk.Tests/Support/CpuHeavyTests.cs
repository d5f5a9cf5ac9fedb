namespace Aims.Risk.Tests.Support;

/// <summary>
/// Tests that keep a core busy for a second on purpose run alone, so that they do not push the timing bounds of
/// other tests (a rule test's 200 ms, for one) over their limit.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CpuHeavyTests
{
    public const string Name = "cpu-heavy";
}
