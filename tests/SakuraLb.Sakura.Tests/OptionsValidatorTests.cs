using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SakuraLb.Sakura.Tests;

public sealed class OptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_ListsEveryMissingRequiredValue()
    {
        var result = new SakuraClientOptionsValidator().Validate(null, new SakuraClientOptions());

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("AccessToken is required", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("AccessTokenSecret is required", StringComparison.Ordinal));
        Assert.Equal(2, result.Failures!.Count());
    }

    [Fact]
    public void Validate_ManyProblems_ReportsThemAllAtOnce()
    {
        var options = TestOptions.Valid(o =>
        {
            o.ApiRootUrl = "not a url";
            o.Zone = "";
            o.RequestsPerSecond = 0;
            o.MaxRetries = -1;
            o.RetryBaseDelay = TimeSpan.Zero;
            o.Timeout = TimeSpan.Zero;
            o.PageSize = 0;
        });

        var result = new SakuraClientOptionsValidator().Validate(null, options);

        Assert.Equal(7, result.Failures!.Count());
    }

    [Theory]
    [InlineData("https://secure.sakura.ad.jp/cloud/zone", "is1a", false, true)]
    [InlineData("http://127.0.0.1:5000/cloud/zone", "is1a", false, true)]
    [InlineData("http://localhost:5000/cloud/zone", "tk1v", false, true)]
    [InlineData("http://[::1]:5000/cloud/zone", "is1a", false, true)]
    [InlineData("http://sakurasim:8080/cloud/zone", "is1a", false, false)]
    [InlineData("http://sakurasim:8080/cloud/zone", "is1a", true, true)]
    [InlineData("ftp://example.com/cloud/zone", "is1a", false, false)]
    [InlineData("https://secure.sakura.ad.jp/cloud/zone", "zz9z", false, true)]
    [InlineData("https://secure.sakura.ad.jp/cloud/zone", "IS1A", false, false)]
    [InlineData("https://secure.sakura.ad.jp/cloud/zone", "is1a/../x", false, false)]
    [InlineData("https://secure.sakura.ad.jp/cloud/zone?x=1", "is1a", false, false)]
    public void Validate_RootAndZone(string root, string zone, bool allowHttp, bool valid)
    {
        var options = TestOptions.Valid(o =>
        {
            o.ApiRootUrl = root;
            o.Zone = zone;
            o.AllowInsecureHttp = allowHttp;
        });

        Assert.Equal(valid, new SakuraClientOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Validate_MaxDelayBelowBase_Fails()
    {
        var options = TestOptions.Valid(o =>
        {
            o.RetryBaseDelay = TimeSpan.FromSeconds(5);
            o.RetryMaxDelay = TimeSpan.FromSeconds(1);
        });

        Assert.Contains("RetryMaxDelay", Assert.Single(new SakuraClientOptionsValidator().Validate(null, options).Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void ZoneApiBaseAddress_AppendsZoneAndApiPath() =>
        Assert.Equal(
            "https://secure.sakura.ad.jp/cloud/zone/tk1a/api/cloud/1.1/",
            new SakuraClientOptions { Zone = "tk1a", ApiRootUrl = "https://secure.sakura.ad.jp/cloud/zone/" }.ZoneApiBaseAddress.AbsoluteUri);

    [Fact]
    public void AddSakuraClient_FromConfiguration_BindsAndValidates()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sakura:AccessToken"] = "t",
            ["Sakura:AccessTokenSecret"] = "s",
            ["Sakura:Zone"] = "is1b",
            ["Sakura:RequestsPerSecond"] = "3",
            ["Sakura:RetryBaseDelay"] = "00:00:02",
        }).Build();
        using var provider = new ServiceCollection().AddLogging()
            .AddSakuraClient(configuration.GetSection(SakuraClientOptions.SectionName)).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<SakuraClientOptions>>().Value;

        Assert.Equal("is1b", options.Zone);
        Assert.Equal(3, options.RequestsPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(2), options.RetryBaseDelay);
        Assert.NotNull(provider.GetRequiredService<ISakuraCloud>());
    }

    [Fact]
    public void AddSakuraClient_InvalidOptions_FailWithEveryProblemWhenResolved()
    {
        using var provider = new ServiceCollection().AddLogging()
            .AddSakuraClient(o => o.PageSize = 0).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ISakuraCloud>());

        Assert.Equal(3, error.Failures.Count());
    }
}
