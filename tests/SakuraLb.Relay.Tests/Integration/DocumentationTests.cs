using System.Diagnostics;

namespace SakuraLb.Relay.Tests.Integration;

/// <summary>The commands docs/operations.md gives operators work as written.</summary>
public sealed class DocumentationTests
{
    [Fact]
    public async Task OperationsGuide_CurlResyncAgainstTheFunction_IsAcceptedBySignatureCheck()
    {
        var guide = await File.ReadAllLinesAsync(Path.Combine(Repository.Root, "docs", "operations.md"));
        var first = Array.FindIndex(guide, l => l.StartsWith("BODY=", StringComparison.Ordinal));
        Assert.True(first > 0, "the guide has the curl resync snippet");
        var last = Array.FindIndex(guide, first, l => l.StartsWith("```", StringComparison.Ordinal));
        var script = string.Join('\n', guide[first..last]);
        Assert.Contains("openssl dgst", script, StringComparison.Ordinal);

        await using var stub = await FunctionStub.StartAsync();
        var start = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["URL"] = stub.BaseAddress.AbsoluteUri.TrimEnd('/');
        start.Environment["KEY"] = FunctionStub.Key;
        start.Environment["SECRET"] = FunctionStub.Secret;
        start.Environment["CLUSTER"] = FunctionStub.ClusterId;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, await stderr);
        Assert.Equal(0, stub.SignatureFailures);
        var request = Assert.Single(stub.Resyncs);
        Assert.Equal(FunctionStub.ClusterId, request.ClusterId);
        Assert.Contains("startedInstanceIds", await stdout, StringComparison.Ordinal);
    }
}
