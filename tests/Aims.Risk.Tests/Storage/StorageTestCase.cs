using Xunit.Abstractions;
using Xunit.Sdk;

namespace Aims.Risk.Tests.Storage;

/// <summary>Decides its skip reason from the concrete test class, so one abstract suite serves every store.</summary>
public sealed class StorageTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public StorageTestCase()
    {
    }

    public StorageTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay defaultMethodDisplay, TestMethodDisplayOptions defaultMethodDisplayOptions, ITestMethod testMethod)
        : base(diagnosticMessageSink, defaultMethodDisplay, defaultMethodDisplayOptions, testMethod)
    {
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute)
    {
        var declared = base.GetSkipReason(factAttribute);
        if (declared is not null)
        {
            return declared;
        }

        var needsSqlServer = TestMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresSqlServerAttribute)).Any();
        return needsSqlServer ? SqlServerAvailability.SkipReason! : null!;
    }
}
