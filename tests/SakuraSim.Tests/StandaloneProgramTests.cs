using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;

namespace SakuraSim.Tests;

/// <summary>The standalone program (what <c>dotnet run --project tests/SakuraSim</c> starts) on the same code path.</summary>
public sealed partial class StandaloneProgramTests
{
    private static ProcessStartInfo Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SakuraSim.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }

    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+/)")]
    private static partial Regex ListeningLine();

    [Fact]
    public async Task Program_WithUrlsAndTimeScale_ServesTheApi()
    {
        using var process = Process.Start(Start("--urls", "http://127.0.0.1:0", "--time-scale", "0", "--rate-limit", "0"))!;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            string? baseAddress = null;
            while (baseAddress is null && await process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
            {
                baseAddress = ListeningLine().Match(line) is { Success: true } m ? m.Groups[1].Value : null;
            }

            Assert.NotNull(baseAddress);
            using var http = new HttpClient { BaseAddress = new Uri(baseAddress) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("test-token:test-secret")));

            var servers = await SimHarness.ReadAsync(await http.GetAsync(SimHarness.ApiPath("/server"), cts.Token));
            var config = await SimHarness.ReadAsync(await http.GetAsync("_sim/config", cts.Token));

            Assert.Equal(HttpStatusCode.OK, servers.Status);
            Assert.Equal(3, servers.Json["Total"]!.GetValue<int>());
            Assert.Equal(0, config.Json["timeScale"]!.GetValue<double>());
            Assert.Equal(0, config.Json["rateLimitPerSecond"]!.GetValue<int>());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Theory]
    [InlineData("--time-scale", "-1", "TimeScale must be 0 or more")]
    [InlineData("--time-scale", "fast", "TimeScale must be a number")]
    [InlineData("--rate-limit", "-3", "RateLimitPerSecond must be 0")]
    [InlineData("--rate-limit", "2.5", "RateLimitPerSecond must be a whole number")]
    [InlineData("--ip-clash-check", "maybe", "IpClashCheck must be true or false")]
    public async Task Program_WithInvalidOption_ExitsWith2AndSaysWhy(string option, string value, string expected)
    {
        using var process = Process.Start(Start("--urls", "http://127.0.0.1:0", option, value))!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var error = await process.StandardError.ReadToEndAsync(cts.Token);
        await process.WaitForExitAsync(cts.Token);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
