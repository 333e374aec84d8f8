using System.Xml.Linq;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Packaging;

/// <summary>
/// What the packages promise, read from the project files and the README: the tool's package id, command and
/// assembly agree, the licence is there, and the README installs the tool before it first runs it. (.ci/run packs,
/// installs and runs the tool itself.)
/// </summary>
public sealed class PackageMetadataTests
{
    [Fact(Timeout = TestTimeouts.Exchange)]
    public void TheToolsPackageIdCommandAndAssemblyAreAllSwitchboard()
    {
        var cli = Properties("src/Switchboard.Cli/Switchboard.Cli.csproj");
        Assert.Equal("switchboard", cli["PackageId"]);
        Assert.Equal("switchboard", cli["ToolCommandName"]);
        Assert.Equal("switchboard", cli["AssemblyName"]);
        Assert.Equal("true", cli["PackAsTool"]);
        var library = Properties("src/Switchboard/Switchboard.csproj");
        Assert.Equal("Switchboard.Core", library["PackageId"]);
        Assert.Equal("Switchboard.Core", library["AssemblyName"]);
        Assert.Equal("Switchboard.Hosting", Properties("src/Switchboard.Hosting/Switchboard.Hosting.csproj")["PackageId"]);
        Assert.Equal("Switchboard.AspNetCore", Properties("src/Switchboard.AspNetCore/Switchboard.AspNetCore.csproj")["PackageId"]);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void EveryPackageCarriesTheMitLicenceReadmeAndSymbols()
    {
        var shared = Properties("Directory.Build.props");
        Assert.Equal("MIT", shared["PackageLicenseExpression"]);
        Assert.Equal("README.md", shared["PackageReadmeFile"]);
        Assert.Equal("snupkg", shared["SymbolPackageFormat"]);
        Assert.Equal("true", shared["Deterministic"]);
        var licence = File.ReadAllText(Path.Combine(Root, "LICENSE"));
        Assert.StartsWith("MIT License", licence, StringComparison.Ordinal);
        Assert.Contains("Copyright (c) 2026 Switchboard contributors", licence, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void TheReadmeOpensWithTheRepositoryCommandsAndInstallsTheToolBeforeItsFirstBareUse()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "README.md"));
        var firstBlock = lines.SkipWhile(l => !l.StartsWith("```", StringComparison.Ordinal)).Skip(1).TakeWhile(l => !l.StartsWith("```", StringComparison.Ordinal)).ToList();
        Assert.StartsWith("dotnet run --project src/Switchboard.Cli -- serve echo", firstBlock[0], StringComparison.Ordinal);
        Assert.StartsWith("dotnet test", firstBlock[1], StringComparison.Ordinal);

        var install = Array.FindIndex(lines, l => l.StartsWith("dotnet tool install --global --add-source ./artifacts switchboard", StringComparison.Ordinal));
        var pack = Array.FindIndex(lines, l => l.StartsWith("dotnet pack -o ./artifacts", StringComparison.Ordinal));
        var firstBareUse = Array.FindIndex(lines, l => l.StartsWith("switchboard ", StringComparison.Ordinal));
        Assert.True(pack >= 0 && install > pack, "README packs, then installs the tool");
        Assert.True(firstBareUse > install, $"README runs switchboard (line {firstBareUse + 1}) before it installs it (line {install + 1})");
    }

    private static string Root
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Switchboard.slnx")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException($"no Switchboard.slnx above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>The project's properties, the last value of each name winning as in MSBuild (conditions ignored).</summary>
    private static Dictionary<string, string> Properties(string project)
    {
        var properties = new Dictionary<string, string>();
        foreach (var element in XDocument.Load(Path.Combine(Root, project)).Descendants("PropertyGroup").Elements())
        {
            properties[element.Name.LocalName] = element.Value.Trim();
        }

        return properties;
    }
}
