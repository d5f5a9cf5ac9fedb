using Aims.Risk.TestSupport;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;

namespace Aims.Risk.Tests.Storage;

/// <summary>
/// Finds, on the compiler's model of C# source, every value that becomes SQL text and checks that it is a
/// compile-time constant. The places SQL text enters ADO.NET or Dapper: the command text of a Dapper
/// <c>CommandDefinition</c>, the <c>sql</c> argument of a Dapper method, the <c>CommandText</c> of a command and
/// the text given to a command's constructor. A method that passes one of its own parameters there is such a place
/// too, so every call of it must pass a constant (checked until no new such parameter is found).
/// </summary>
public static class SqlTextCheck
{
    /// <summary>The SDK's implicit usings, which the projects enable.</summary>
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    private static readonly CSharpParseOptions Parse = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Preview);

    public sealed record Result(int Sinks, IReadOnlyList<string> Problems);

    /// <summary>The product's source (src/), compiled against the assemblies this test runs with.</summary>
    public static Compilation CompileProduct()
    {
        var source = Path.Combine(RepositoryRoot.Path, "src");
        var separator = Path.DirectorySeparatorChar;
        var trees = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{separator}obj{separator}", StringComparison.Ordinal) && !f.Contains($"{separator}bin{separator}", StringComparison.Ordinal))
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), Parse, Path.GetRelativePath(source, f)));
        return Compile(trees.Append(CSharpSyntaxTree.ParseText(ImplicitUsings, Parse)));
    }

    public static Compilation Compile(IEnumerable<SyntaxTree> trees)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(p => MetadataReference.CreateFromFile(p));
        return CSharpCompilation.Create(
            "SqlTextCheck",
            trees,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    public static Result Check(Compilation compilation)
    {
        var calls = new List<(IMethodSymbol Method, IArgumentOperation Argument)>();
        var assignments = new List<ISimpleAssignmentOperation>();
        foreach (var tree in compilation.SyntaxTrees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                switch (model.GetOperation(node))
                {
                    case IInvocationOperation invocation when invocation.Syntax == node:
                        calls.AddRange(invocation.Arguments.Select(a => (invocation.TargetMethod, a)));
                        break;
                    case IObjectCreationOperation creation when creation.Syntax == node && creation.Constructor is { } constructor:
                        calls.AddRange(creation.Arguments.Select(a => (constructor, a)));
                        break;
                    case ISimpleAssignmentOperation assignment when assignment.Syntax == node
                        && assignment.Target is IPropertyReferenceOperation { Property.Name: "CommandText" } target
                        && IsCommand(target.Property.ContainingType):
                        assignments.Add(assignment);
                        break;
                }
            }
        }

        // Parameters of the product's own methods that reach SQL text: grown until stable.
        var sqlParameters = new HashSet<IParameterSymbol>(SymbolEqualityComparer.Default);
        List<string> problems;
        int sinks;
        while (true)
        {
            problems = [];
            sinks = 0;
            var before = sqlParameters.Count;
            foreach (var (method, argument) in calls)
            {
                if (argument.Parameter is { } parameter && (IsExternalSqlParameter(method, parameter) || sqlParameters.Contains(parameter.OriginalDefinition)))
                {
                    sinks++;
                    Inspect(argument.Value, sqlParameters, problems);
                }
            }

            foreach (var assignment in assignments)
            {
                sinks++;
                Inspect(assignment.Value, sqlParameters, problems);
            }

            if (sqlParameters.Count == before)
            {
                return new Result(sinks, problems);
            }
        }
    }

    private static void Inspect(IOperation value, HashSet<IParameterSymbol> sqlParameters, List<string> problems)
    {
        while (value is IConversionOperation conversion)
        {
            value = conversion.Operand;
        }

        if (value.ConstantValue is { HasValue: true, Value: string })
        {
            return;
        }

        // A choice between statements: each branch is checked.
        if (value is IConditionalOperation { WhenFalse: { } whenFalse } choice)
        {
            Inspect(choice.WhenTrue, sqlParameters, problems);
            Inspect(whenFalse, sqlParameters, problems);
            return;
        }

        // A parameter of a method only this code calls: its calls are checked instead. A method callable from
        // outside (or a lambda) could be handed anything.
        if (value is IParameterReferenceOperation { Parameter.ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Ordinary or MethodKind.Constructor, DeclaredAccessibility: Accessibility.Private or Accessibility.Internal } } reference)
        {
            _ = sqlParameters.Add(reference.Parameter.OriginalDefinition);
            return;
        }

        var line = value.Syntax.GetLocation().GetLineSpan();
        problems.Add($"{line.Path}:{line.StartLinePosition.Line + 1}: SQL text that is not a constant: {value.Syntax}");
    }

    private static bool IsExternalSqlParameter(IMethodSymbol method, IParameterSymbol parameter)
    {
        var type = method.ContainingType?.OriginalDefinition.ToDisplayString();
        return (type == "Dapper.CommandDefinition" && method.MethodKind == MethodKind.Constructor && parameter.Name == "commandText")
            || (type == "Dapper.SqlMapper" && parameter.Name == "sql")
            || (method.MethodKind == MethodKind.Constructor && IsCommand(method.ContainingType) && parameter.Name is "commandText" or "cmdText");
    }

    private static bool IsCommand(INamedTypeSymbol? type) =>
        type is not null && (type.ToDisplayString() == "System.Data.IDbCommand" || type.AllInterfaces.Any(i => i.ToDisplayString() == "System.Data.IDbCommand"));
}
