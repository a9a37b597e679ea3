using DurableHost;
using Sandbox;

namespace SakuraLb.EndToEnd.Tests;

public sealed class SandboxOptionsTests
{
    [Fact]
    public void Parse_NoArguments_IssueDefaults()
    {
        var options = SandboxOptions.Parse([], out var problems, out var help);

        Assert.Empty(problems);
        Assert.False(help);
        Assert.Equal(6443, options.KubePort);
        Assert.Equal(18080, options.SakuraPort);
        Assert.Equal(0, options.FunctionPort);
        Assert.Equal(0.02, options.SakuraTimeScale);
        Assert.Equal(TimeSpan.FromMinutes(1), options.ResyncInterval);
        Assert.False(options.Demo);
        Assert.False(options.ExitAfterDemo);
        Assert.Equal(DurableEngineKind.InMemory, options.Durable);
        Assert.Equal(3, options.Workers);
        Assert.Equal(28, options.RouterPrefix);
        Assert.Empty(options.FunctionSettings);
    }

    public static TheoryData<string[], Func<SandboxOptions, object>, object> Valid => new()
    {
        { ["--kube-port", "16443"], o => o.KubePort, 16443 },
        { ["--kube-port=0"], o => o.KubePort, 0 },
        { ["--sakura-port", "8081"], o => o.SakuraPort, 8081 },
        { ["--function-port", "7071"], o => o.FunctionPort, 7071 },
        { ["--sakura-time-scale", "1"], o => o.SakuraTimeScale, 1.0 },
        { ["--sakura-time-scale=0"], o => o.SakuraTimeScale, 0.0 },
        { ["--sakura-time-scale", "0.5"], o => o.SakuraTimeScale, 0.5 },
        { ["--resync-interval", "2.5"], o => o.ResyncInterval, TimeSpan.FromSeconds(2.5) },
        { ["--durable", "azure-storage"], o => o.Durable, DurableEngineKind.AzureStorage },
        { ["--durable=in-memory"], o => o.Durable, DurableEngineKind.InMemory },
        { ["--demo"], o => o.Demo, true },
        { ["--demo", "--exit"], o => o.ExitAfterDemo, true },
        { ["--verbose"], o => o.Verbose, true },
        { ["--workers", "10", "--router-prefix", "27"], o => o.Workers, 10 },
        { ["--workers=1"], o => o.Workers, 1 },
        { ["--workers", "9"], o => o.Workers, 9 },
        { ["--workers", "249", "--router-prefix", "24"], o => o.Workers, 249 },
        { ["--router-prefix", "24"], o => o.RouterPrefix, 24 },
        { ["--router-prefix=29", "--workers", "1"], o => o.RouterPrefix, 29 },
        { ["--router-prefix", "26", "--workers", "50"], o => (o.RouterPrefix, o.Workers), (26, 50) },
        { ["--set", "Controller:DefaultHighAvailability=true"], o => o.FunctionSettings["Controller:DefaultHighAvailability"], "true" },
        { ["--set", "Controller__DefaultPlan=highspec"], o => o.FunctionSettings["Controller:DefaultPlan"], "highspec" },
        { ["--set=Reconcile:MaxPasses=3"], o => o.FunctionSettings["Reconcile:MaxPasses"], "3" },
        { ["--set", "Controller:RouterTags:0=a=b"], o => o.FunctionSettings["Controller:RouterTags:0"], "a=b" },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parse_ValidArgument_SetsOption(string[] args, Func<SandboxOptions, object> read, object expected)
    {
        var options = SandboxOptions.Parse(args, out var problems, out _);

        Assert.Empty(problems);
        Assert.Equal(expected, read(options));
    }

    [Theory]
    [InlineData(new[] { "--kube-port", "70000" }, "--kube-port must be a port number 0-65535, got \"70000\".")]
    [InlineData(new[] { "--durable", "cosmos" }, "--durable must be in-memory or azure-storage, got \"cosmos\".")]
    [InlineData(new[] { "--sakura-port", "http" }, "--sakura-port must be a port number 0-65535, got \"http\".")]
    [InlineData(new[] { "--function-port", "-1" }, "--function-port must be a port number 0-65535, got \"-1\".")]
    [InlineData(new[] { "--sakura-time-scale", "-0.5" }, "--sakura-time-scale must be a number from 0 to 100, got \"-0.5\".")]
    [InlineData(new[] { "--sakura-time-scale", "NaN" }, "--sakura-time-scale must be a number from 0 to 100, got \"NaN\".")]
    [InlineData(new[] { "--resync-interval", "0" }, "--resync-interval must be a number from 0.1 to 86400, got \"0\".")]
    [InlineData(new[] { "--workers", "0" }, "--workers must be a whole number from 1 to 249, got \"0\".")]
    [InlineData(new[] { "--workers", "250" }, "--workers must be a whole number from 1 to 249, got \"250\".")]
    [InlineData(new[] { "--workers", "ten" }, "--workers must be a whole number from 1 to 249, got \"ten\".")]
    [InlineData(new[] { "--workers", "2.5" }, "--workers must be a whole number from 1 to 249, got \"2.5\".")]
    [InlineData(new[] { "--workers" }, "--workers needs a value.")]
    [InlineData(new[] { "--router-prefix", "23" }, "--router-prefix must be a whole number from 24 to 29, got \"23\".")]
    [InlineData(new[] { "--router-prefix", "30" }, "--router-prefix must be a whole number from 24 to 29, got \"30\".")]
    [InlineData(new[] { "--router-prefix", "/24" }, "--router-prefix must be a whole number from 24 to 29, got \"/24\".")]
    [InlineData(new[] { "--workers", "10" }, "--workers 10 does not fit the router's /28 block: its 11 assignable addresses hold at most 9 workers and one load balancer (its own address and a VIP); use fewer workers or a shorter --router-prefix (e.g. 27).")]
    [InlineData(new[] { "--router-prefix", "29" }, "--workers 3 does not fit the router's /29 block: its 3 assignable addresses hold at most 1 worker and one load balancer (its own address and a VIP); use fewer workers or a shorter --router-prefix (e.g. 28).")]
    [InlineData(new[] { "--workers", "60", "--router-prefix", "26" }, "--workers 60 does not fit the router's /26 block: its 59 assignable addresses hold at most 57 workers and one load balancer (its own address and a VIP); use fewer workers or a shorter --router-prefix (e.g. 25).")]
    [InlineData(new[] { "--kube-port" }, "--kube-port needs a value.")]
    [InlineData(new[] { "--kube-port", "--demo" }, "--kube-port needs a value.")]
    [InlineData(new[] { "--exit" }, "--exit only makes sense with --demo.")]
    [InlineData(new[] { "--set", "NoEquals" }, "--set needs KEY=VALUE, got \"NoEquals\".")]
    [InlineData(new[] { "--set", "=value" }, "--set needs KEY=VALUE, got \"=value\".")]
    [InlineData(new[] { "--kube-port", "9000", "--sakura-port", "9000" }, "--kube-port and --sakura-port are both 9000.")]
    [InlineData(new[] { "--sakura-port", "6443" }, "--kube-port and --sakura-port are both 6443.")]
    [InlineData(new[] { "--frobnicate" }, "unknown argument \"--frobnicate\" (see --help).")]
    [InlineData(new[] { "demo" }, "unknown argument \"demo\" (see --help).")]
    public void Parse_BadArgument_NamesTheProblem(string[] args, string expected)
    {
        SandboxOptions.Parse(args, out var problems, out _);

        Assert.Contains(expected, problems);
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsEveryOne()
    {
        SandboxOptions.Parse(["--kube-port", "x", "--sakura-time-scale", "y", "--exit", "--what"], out var problems, out _);

        Assert.Equal(4, problems.Count);
    }

    [Fact]
    public void Parse_PortZeroTwice_IsNoClash()
    {
        SandboxOptions.Parse(["--kube-port", "0", "--sakura-port", "0"], out var problems, out _);

        Assert.Empty(problems);
    }

    [Theory]
    [InlineData("-h")]
    [InlineData("--help")]
    public void Parse_Help_AsksForUsage(string arg)
    {
        SandboxOptions.Parse([arg], out var problems, out var help);

        Assert.True(help);
        Assert.Empty(problems);
    }

    [Fact]
    public void Usage_NamesEveryOption()
    {
        foreach (var option in new[] { "--kube-port", "--sakura-port", "--function-port", "--sakura-time-scale", "--resync-interval", "--workers", "--router-prefix", "--demo", "--exit", "--set", "--verbose", "--help" })
        {
            Assert.Contains(option, SandboxOptions.Usage, StringComparison.Ordinal);
        }
    }
}
