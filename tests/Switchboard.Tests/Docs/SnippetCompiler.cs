using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Switchboard.Serving;

namespace Switchboard.Tests.Docs;

/// <summary>
/// Compiles a snippet as a user's new project would: a console program when it has top-level statements, else a
/// library; nullable on, the SDK's implicit usings, and references to the shared frameworks (ASP.NET Core's too),
/// the library (<c>Switchboard.Core</c>), the Kestrel adapter (<c>Switchboard.AspNetCore</c>) and what they
/// reference (as a package reference brings them). Not the tool and not the library's internals: a snippet that
/// compiles here compiles for a user.
/// </summary>
public static class SnippetCompiler
{
    // The usings a Microsoft.NET.Sdk project with ImplicitUsings on adds for every C# file.
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    private static readonly Lazy<MetadataReference[]> References = new(LoadReferences);

    /// <summary>Every diagnostic of compiling (and emitting) <paramref name="code"/>, warnings included.</summary>
    public static IReadOnlyList<Diagnostic> Compile(string code)
    {
        var parse = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest);
        var snippet = CSharpSyntaxTree.ParseText(code, parse, path: "snippet.cs");
        var usings = CSharpSyntaxTree.ParseText(ImplicitUsings, parse, path: "ImplicitUsings.cs");
        var isProgram = snippet.GetCompilationUnitRoot().Members.Any(m => m is Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax);
        var options = new CSharpCompilationOptions(
            isProgram ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
            nullableContextOptions: NullableContextOptions.Enable);
        var compilation = CSharpCompilation.Create("Snippet", [usings, snippet], References.Value, options);
        using var output = new MemoryStream();
        var result = compilation.Emit(output);

        // A global using the snippet happens not to need is no fault of the snippet's.
        return [.. result.Diagnostics.Where(d => (d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree == snippet)
            || d.Severity == DiagnosticSeverity.Error)];
    }

    private static MetadataReference[] LoadReferences()
    {
        var framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var aspNetCore = Path.GetDirectoryName(typeof(Microsoft.AspNetCore.Builder.WebApplication).Assembly.Location)!;
        var library = typeof(Server).Assembly;
        var kestrelAdapter = typeof(Switchboard.AspNetCore.SwitchboardConnectionBuilderExtensions).Assembly;

        // The assemblies as loaded come first: where a package is newer than the shared framework's copy (the
        // logging abstractions), a user's build takes the package's, and two of one name would be ambiguous.
        var chatBackplane = typeof(Switchboard.Chat.Redis.RedisChatHub).Assembly;
        var paths = new[] { library, kestrelAdapter, chatBackplane }
            .SelectMany(a => a.GetReferencedAssemblies().Select(name => Assembly.Load(name).Location).Prepend(a.Location))
            .Concat(Directory.GetFiles(framework, "*.dll"))
            .Concat(Directory.GetFiles(aspNetCore, "*.dll"))
            .DistinctBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase);
        return [.. paths.Where(IsManaged).Select(path => MetadataReference.CreateFromFile(path))];
    }

    private static bool IsManaged(string path)
    {
        try
        {
            _ = AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
