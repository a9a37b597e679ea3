using Azure.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SakuraLb.Functions.Options;

namespace SakuraLb.Functions.Tests.Registration;

/// <summary>
/// The controller's tables by identity: <c>Storage:TableServiceUri</c> makes the stores use the app's Microsoft Entra
/// credential instead of a connection string, so the account needs no shared key; exactly one of the two is set.
/// </summary>
public sealed class TableStorageIdentityTests
{
    private const string Endpoint = "https://127.0.0.1:1/";

    private static ServiceProvider Build(Dictionary<string, string?> values, TokenCredential? credential = null)
    {
        var services = new ServiceCollection().AddLogging();
        if (credential is not null)
        {
            services.AddSingleton(credential);
        }

        return services.AddSakuraLbFunctions(new ConfigurationBuilder().AddInMemoryCollection(values).Build()).BuildServiceProvider();
    }

    [Fact]
    public async Task TableServiceUri_TheStoresAskTheCredentialForAStorageToken_AndIgnoreAzureWebJobsStorage()
    {
        var credential = new RecordingCredential();
        using var services = Build(
            new()
            {
                ["Storage:Mode"] = "Table",
                ["Storage:TableServiceUri"] = Endpoint,
                ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            },
            credential);

        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var tables = services.GetRequiredService<TableStorage>();
        using var give = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var creating = tables.TableAsync(TableStorage.DesiredTable, give.Token);
        await SakuraLb.Testing.Eventually.UntilAsync(() => Task.FromResult(credential.Scopes.Count), c => c > 0, "a token request", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20));
        await give.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => creating);

        Assert.Null(options.ConnectionString);
        Assert.Equal(new Uri(Endpoint), tables.ServiceUri);
        Assert.Contains("https://storage.azure.com/.default", credential.Scopes);
    }

    public static TheoryData<string?, string?, string?> Combinations => new()
    {
        // connection string, table endpoint, the problem (null: valid)
        { "UseDevelopmentStorage=true", null, null },
        { null, "https://account.table.core.windows.net/", null },
        { null, "http://127.0.0.1:10002/devstoreaccount1", null },
        { "UseDevelopmentStorage=true", "https://account.table.core.windows.net/", "both set" },
        { null, null, "is required" },
        { null, "http://account.table.core.windows.net/", "absolute https URL" },
    };

    [Theory]
    [MemberData(nameof(Combinations))]
    public void TableMode_NeedsExactlyOneOfConnectionStringAndTableServiceUri(string? connectionString, string? endpoint, string? problem)
    {
        using var services = Build(new()
        {
            ["Storage:Mode"] = "Table",
            ["Storage:ConnectionString"] = connectionString,
            ["Storage:TableServiceUri"] = endpoint,
        });

        if (problem is null)
        {
            Assert.NotNull(services.GetRequiredService<IOptions<StorageOptions>>().Value);
        }
        else
        {
            var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<StorageOptions>>().Value);
            Assert.Contains(failure.Failures, f => f.Contains(problem, StringComparison.Ordinal));
        }
    }

    /// <summary>Records the scopes it is asked for and hands out a dummy token.</summary>
    private sealed class RecordingCredential : TokenCredential
    {
        private readonly List<string> scopes = [];

        public IReadOnlyList<string> Scopes
        {
            get
            {
                lock (scopes)
                {
                    return [.. scopes];
                }
            }
        }

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            lock (scopes)
            {
                scopes.AddRange(requestContext.Scopes);
            }

            return new AccessToken("dummy", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
