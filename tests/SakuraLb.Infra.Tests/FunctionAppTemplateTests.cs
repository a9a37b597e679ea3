using System.Text.Json.Nodes;
using System.Xml.Linq;
using SakuraLb.Infra.Tests.Support;
using SakuraLb.Testing;

namespace SakuraLb.Infra.Tests;

/// <summary>
/// What infra/functions would deploy, read from <c>bicep snapshot</c> of the parameter sets in
/// <see cref="DeploymentCases"/>: the scale limit that keeps the Sakura API budget, Key Vault references for the
/// secrets, the identity and its roles, and the hardening of the app and its storage.
/// </summary>
public sealed class FunctionAppTemplateTests
{
    private const string SecretsUserRole = "4633458b-17de-408a-b874-0445c86b69e6";
    private const string BlobDataOwnerRole = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string QueueDataContributorRole = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string TableDataContributorRole = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";

    public static TheoryData<string> Cases => DeploymentCases.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Snapshot_ParameterSet_EvaluatesWithoutDiagnostics(string name)
    {
        var snapshot = await DeploymentCases.SnapshotAsync(name);

        Assert.Empty(snapshot.Diagnostics);
        Assert.NotEmpty(snapshot.Resources);
    }

    [Theory]
    [InlineData("example", 1)]
    [InlineData("two-instances", 2)]
    [InlineData("budget-of-one", 1)]
    public async Task ScaleLimit_ParameterSet_CapsTheAppAndThePlanAlike(string name, int expectedInstances)
    {
        var snapshot = await DeploymentCases.SnapshotAsync(name);
        var site = snapshot.Single("Microsoft.Web/sites");
        var plan = snapshot.Single("Microsoft.Web/serverfarms");

        Assert.Equal(expectedInstances, Int(DeploymentSnapshot.Value(site, "properties", "siteConfig", "functionAppScaleLimit")));
        Assert.Equal(expectedInstances, Int(DeploymentSnapshot.Value(plan, "properties", "maximumElasticWorkerCount")));
        Assert.Equal(1, Int(DeploymentSnapshot.Value(site, "properties", "siteConfig", "minimumElasticInstanceCount")));
        Assert.Equal(expectedInstances, Int(snapshot.Output("maximumInstanceCount")));
    }

    [Theory]
    [InlineData("example", 5, 5, 5)]
    [InlineData("two-instances", 5, 2, 4)]
    [InlineData("budget-of-one", 1, 1, 1)]
    public async Task SakuraBudget_PerProcessRateTimesInstances_StaysWithinTheAppBudget(
        string name, int budget, int expectedPerInstance, int expectedTotal)
    {
        var snapshot = await DeploymentCases.SnapshotAsync(name);
        var site = snapshot.Single("Microsoft.Web/sites");

        var perInstance = int.Parse(Text(snapshot.AppSettings(), "Sakura__RequestsPerSecond"), System.Globalization.CultureInfo.InvariantCulture);
        var instances = Int(DeploymentSnapshot.Value(site, "properties", "siteConfig", "functionAppScaleLimit"));
        Assert.Equal(expectedPerInstance, perInstance);
        Assert.Equal(expectedTotal, perInstance * instances);
        Assert.InRange(perInstance * instances, 1, budget);
        Assert.Equal(expectedTotal, Int(snapshot.Output("sakuraRequestsPerSecondTotal")));
    }

    [Fact]
    public async Task Plan_IsLinuxElasticPremium_SoEveryFunctionSharesOneProcessPerInstance()
    {
        var snapshot = await DeploymentCases.SnapshotAsync("example");
        var plan = snapshot.Single("Microsoft.Web/serverfarms");
        var site = snapshot.Single("Microsoft.Web/sites");

        Assert.Equal("ElasticPremium", Text(DeploymentSnapshot.Value(plan, "sku", "tier")));
        Assert.Equal("EP1", Text(DeploymentSnapshot.Value(plan, "sku", "name")));
        Assert.True(Bool(DeploymentSnapshot.Value(plan, "properties", "reserved")));
        Assert.Equal("functionapp,linux", Text(DeploymentSnapshot.Value(site, "kind")));
        Assert.Equal(DeploymentSnapshot.Id(plan), Text(DeploymentSnapshot.Value(site, "properties", "serverFarmId")));
    }

    [Theory]
    [InlineData("Sakura__AccessTokenSecret", "sakura-access-token-secret")]
    [InlineData("Ingest__HmacSecret", "ingest-hmac-secret")]
    public async Task Secrets_AppSetting_IsAKeyVaultReferenceToASecretOfTheTemplatesVault(string setting, string secretName)
    {
        var snapshot = await DeploymentCases.SnapshotAsync("example");
        var vault = DeploymentSnapshot.Name(snapshot.Single("Microsoft.KeyVault/vaults"));

        Assert.Equal(
            $"@Microsoft.KeyVault(SecretUri=https://{vault}.vault.azure.net/secrets/{secretName}/)",
            Text(snapshot.AppSettings(), setting));
        Assert.Contains(snapshot.OfType("Microsoft.KeyVault/vaults/secrets"), s => DeploymentSnapshot.Name(s) == $"{vault}/{secretName}");
    }

    [Theory]
    [InlineData("example", false)]
    [InlineData("two-instances", true)]
    public async Task HmacRotation_WhenInProgress_AlsoReferencesThePreviousSecret(string name, bool rotating)
    {
        var snapshot = await DeploymentCases.SnapshotAsync(name);
        var settings = snapshot.AppSettings();
        var vault = DeploymentSnapshot.Name(snapshot.Single("Microsoft.KeyVault/vaults"));

        if (rotating)
        {
            Assert.Equal(
                $"@Microsoft.KeyVault(SecretUri=https://{vault}.vault.azure.net/secrets/ingest-hmac-secret-previous/)",
                Text(settings, "Ingest__HmacSecretPrevious"));
            // dateTimeAdd(utcNow(), 'P1D'): evaluated by Azure at deployment, so the snapshot holds the expression.
            Assert.True(settings.ContainsKey("Ingest__HmacRotationEndsAt"));
        }
        else
        {
            Assert.False(settings.ContainsKey("Ingest__HmacSecretPrevious"));
            Assert.False(settings.ContainsKey("Ingest__HmacRotationEndsAt"));
        }
    }

    [Fact]
    public async Task Secrets_SuppliedAsParameters_AreStoredOnlyInKeyVault()
    {
        var snapshot = await DeploymentCases.SnapshotAsync("example");

        var secretResources = snapshot.OfType("Microsoft.KeyVault/vaults/secrets");
        var elsewhere = snapshot.Resources.Except(secretResources).Select(r => r.ToJsonString())
            .Append(snapshot.Root["outputs"]?.ToJsonString() ?? "")
            .Append(string.Join('\n', snapshot.AppSettings().Select(s => $"{s.Key}={s.Value}")));
        Assert.All(elsewhere, text =>
        {
            Assert.DoesNotContain(DeploymentCases.SakuraSecretValue, text, StringComparison.Ordinal);
            Assert.DoesNotContain(DeploymentCases.HmacSecretValue, text, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Secrets_LeftEmpty_AreNotCreatedSoTheyCanBeSetOutOfBand()
    {
        var snapshot = await DeploymentCases.SnapshotAsync("two-instances");

        // The secret resources exist in the template but only deploy when their parameter is set.
        foreach (var secret in new[] { "sakura-access-token-secret", "ingest-hmac-secret" })
        {
            var resource = Assert.Single(snapshot.OfType("Microsoft.KeyVault/vaults/secrets"), s => DeploymentSnapshot.Name(s).EndsWith("/" + secret, StringComparison.Ordinal));
            Assert.Contains("empty(parameters(", (string?)resource["condition"] ?? "", StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Identity_IsUserAssigned_AndResolvesKeyVaultReferencesStorageAndThePackage()
    {
        var snapshot = await DeploymentCases.SnapshotAsync("example");
        var identity = DeploymentSnapshot.Id(snapshot.Single("Microsoft.ManagedIdentity/userAssignedIdentities"));
        var site = snapshot.Single("Microsoft.Web/sites");
        var settings = snapshot.AppSettings();

        Assert.Equal("UserAssigned", Text(DeploymentSnapshot.Value(site, "identity", "type")));
        var assigned = Assert.Single(site["identity"]!["userAssignedIdentities"]!.AsObject());
        Assert.Equal(identity, assigned.Key);
        Assert.Equal(identity, Text(DeploymentSnapshot.Value(site, "properties", "keyVaultReferenceIdentity")));
        Assert.Equal(identity, Text(settings, "WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID"));
        Assert.Equal("managedidentity", Text(settings, "AzureWebJobsStorage__credential"));
        AssertReadsIdentity(settings["AzureWebJobsStorage__clientId"], identity, "clientId");
        AssertReadsIdentity(settings["AZURE_CLIENT_ID"], identity, "clientId");
    }

    [Fact]
    public async Task HostStorage_UsesTheIdentity_WithoutAConnectionStringOrAzureFilesShare()
    {
        var snapshot = await DeploymentCases.SnapshotAsync("example");
        var settings = snapshot.AppSettings();
        var account = DeploymentSnapshot.Name(snapshot.Single("Microsoft.Storage/storageAccounts"));

        Assert.Equal(account, Text(settings, "AzureWebJobsStorage__accountName"));
        Assert.False(settings.ContainsKey("AzureWebJobsStorage"), "AzureWebJobsStorage would be a connection string with the account key.");
        Assert.False(settings.ContainsKey("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING"), "An Azure Files content share needs the account key.");
        Assert.False(settings.ContainsKey("WEBSITE_CONTENTSHARE"));
        Assert.Equal(
            $"https://{account}.blob.core.windows.net/function-packages/sakuralb-functions.zip",
            Text(settings, "WEBSITE_RUN_FROM_PACKAGE"));
    }

    [Theory]
    [InlineData("Microsoft.KeyVault/vaults", SecretsUserRole)]
    [InlineData("Microsoft.Storage/storageAccounts", BlobDataOwnerRole)]
    [InlineData("Microsoft.Storage/storageAccounts", QueueDataContributorRole)]
    [InlineData("Microsoft.Storage/storageAccounts", TableDataContributorRole)]
    public async Task RoleAssignment_IdentityGetsTheDataRole_OnTheResource(string scopeType, string roleId)
    {
        var snapshot = await DeploymentCases.SnapshotAsync("example");
        var identity = DeploymentSnapshot.Id(snapshot.Single("Microsoft.ManagedIdentity/userAssignedIdentities"));
        var scope = DeploymentSnapshot.Id(snapshot.Single(scopeType));

        var assignment = Assert.Single(
            snapshot.OfType("Microsoft.Authorization/roleAssignments"),
            a => DeploymentSnapshot.Id(a).StartsWith(scope + "/providers/Microsoft.Authorization/roleAssignments/", StringComparison.OrdinalIgnoreCase)
                && Text(DeploymentSnapshot.Value(a, "properties", "roleDefinitionId")).EndsWith("/" + roleId, StringComparison.OrdinalIgnoreCase));
        AssertReadsIdentity(DeploymentSnapshot.Value(assignment, "properties", "principalId"), identity, "principalId");
        Assert.Equal("ServicePrincipal", Text(DeploymentSnapshot.Value(assignment, "properties", "principalType")));
    }

    [Fact]
    public async Task KeyVault_UsesRbacAndSoftDelete()
    {
        var snapshot = await DeploymentCases.SnapshotAsync("example");
        var vault = snapshot.Single("Microsoft.KeyVault/vaults");

        Assert.True(Bool(DeploymentSnapshot.Value(vault, "properties", "enableRbacAuthorization")));
        Assert.True(Bool(DeploymentSnapshot.Value(vault, "properties", "enableSoftDelete")));
        Assert.Null(vault["properties"]!["accessPolicies"]);
    }

    [Fact]
    public async Task FunctionApp_IsHttpsOnlyWithTls12AndNoFtpOrBasicPublishing()
    {
        var snapshot = await DeploymentCases.SnapshotAsync("example");
        var site = snapshot.Single("Microsoft.Web/sites");

        Assert.True(Bool(DeploymentSnapshot.Value(site, "properties", "httpsOnly")));
        Assert.Equal("1.2", Text(DeploymentSnapshot.Value(site, "properties", "siteConfig", "minTlsVersion")));
        Assert.Equal("1.2", Text(DeploymentSnapshot.Value(site, "properties", "siteConfig", "scmMinTlsVersion")));
        Assert.Equal("Disabled", Text(DeploymentSnapshot.Value(site, "properties", "siteConfig", "ftpsState")));
        var policies = snapshot.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies");
        Assert.Equal(["ftp", "scm"], policies.Select(p => DeploymentSnapshot.Name(p).Split('/')[^1]).Order(StringComparer.Ordinal));
        Assert.All(policies, p => Assert.False(Bool(DeploymentSnapshot.Value(p, "properties", "allow"))));
    }

    [Fact]
    public async Task Storage_RefusesSharedKey_AndTheControllersTablesAreReachedByIdentity()
    {
        var snapshot = await DeploymentCases.SnapshotAsync("example");
        var account = snapshot.Single("Microsoft.Storage/storageAccounts");
        var name = DeploymentSnapshot.Name(account);
        var settings = snapshot.AppSettings();

        Assert.False(Bool(DeploymentSnapshot.Value(account, "properties", "allowSharedKeyAccess")));
        Assert.Equal($"https://{name}.table.core.windows.net/", Text(settings, "Storage__TableServiceUri"));
        Assert.False(settings.ContainsKey("Storage__ConnectionString"), "A connection string needs the account key.");
        // No account key is read anywhere in the template, so none is stored (the old storage-connection-string secret).
        Assert.DoesNotContain("listKeys", snapshot.Root.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(snapshot.OfType("Microsoft.KeyVault/vaults/secrets"), s => DeploymentSnapshot.Name(s).EndsWith("/storage-connection-string", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Microsoft.KeyVault/vaults", "", "audit")]
    [InlineData("Microsoft.Storage/storageAccounts", "/blobServices/default", "audit")]
    [InlineData("Microsoft.Storage/storageAccounts", "/queueServices/default", "audit")]
    [InlineData("Microsoft.Storage/storageAccounts", "/tableServices/default", "audit")]
    [InlineData("Microsoft.Web/sites", "", "FunctionAppLogs")]
    public async Task DiagnosticSettings_SendTheLogsToTheWorkspace(string resourceType, string child, string logs)
    {
        var snapshot = await DeploymentCases.SnapshotAsync("example");
        var workspace = DeploymentSnapshot.Id(snapshot.Single("Microsoft.OperationalInsights/workspaces"));
        var scope = DeploymentSnapshot.Id(snapshot.Single(resourceType)) + child;

        var setting = Assert.Single(snapshot.OfType("Microsoft.Insights/diagnosticSettings"), d => DeploymentSnapshot.Id(d).StartsWith(scope + "/providers/", StringComparison.Ordinal));
        Assert.Equal(workspace, Text(DeploymentSnapshot.Value(setting, "properties", "workspaceId")));
        var entry = Assert.Single(setting["properties"]!["logs"]!.AsArray());
        Assert.Equal(logs, (string?)entry!["categoryGroup"] ?? (string?)entry["category"]);
        Assert.True((bool)entry["enabled"]!);
    }

    [Fact]
    public async Task Storage_RefusesPlainHttpOldTlsAndAnonymousBlobs()
    {
        var snapshot = await DeploymentCases.SnapshotAsync("example");
        var account = snapshot.Single("Microsoft.Storage/storageAccounts");

        Assert.Equal("TLS1_2", Text(DeploymentSnapshot.Value(account, "properties", "minimumTlsVersion")));
        Assert.True(Bool(DeploymentSnapshot.Value(account, "properties", "supportsHttpsTrafficOnly")));
        Assert.False(Bool(DeploymentSnapshot.Value(account, "properties", "allowBlobPublicAccess")));
        var container = snapshot.Single("Microsoft.Storage/storageAccounts/blobServices/containers");
        Assert.Equal("None", Text(DeploymentSnapshot.Value(container, "properties", "publicAccess")));
    }

    [Fact]
    public async Task Runtime_IsTheIsolatedWorkerOnTheRepositorysDotNetVersion()
    {
        var snapshot = await DeploymentCases.SnapshotAsync("example");
        var site = snapshot.Single("Microsoft.Web/sites");
        var settings = snapshot.AppSettings();
        var props = XDocument.Load(Repository.Path("Directory.Build.props"));
        var targetFramework = props.Descendants("TargetFramework").Single().Value;

        Assert.Equal($"DOTNET-ISOLATED|{targetFramework.Replace("net", "", StringComparison.Ordinal)}", Text(DeploymentSnapshot.Value(site, "properties", "siteConfig", "linuxFxVersion")));
        Assert.Equal("dotnet-isolated", Text(settings, "FUNCTIONS_WORKER_RUNTIME"));
        Assert.Equal("~4", Text(settings, "FUNCTIONS_EXTENSION_VERSION"));
    }

    [Fact]
    public async Task AdditionalAppSettings_AreAddedAndOptionalOnesAppearOnlyWhenSet()
    {
        var example = (await DeploymentCases.SnapshotAsync("example")).AppSettings();
        var two = (await DeploymentCases.SnapshotAsync("two-instances")).AppSettings();

        Assert.Equal("00:00:20", Text(two, "Reconcile__PollInterval"));
        Assert.Equal("sakura.example/lb", Text(two, "Controller__LoadBalancerClass"));
        Assert.False(example.ContainsKey("Controller__LoadBalancerClass"));
        Assert.Equal("@k8s", Text(example, "Controller__RouterTags__0"));
        Assert.False(example.ContainsKey("Controller__SwitchTags__0"));
        Assert.Equal(("@k8s", "@k8s.private"), (Text(two, "Controller__SwitchTags__0"), Text(two, "Controller__SwitchTags__1")));
        Assert.Equal("prod-cluster-1", Text(example, "Controller__ClusterId"));
    }

    private static void AssertReadsIdentity(ArmValue value, string identityId, string property)
    {
        var expression = Assert.IsType<ArmValue.Unresolved>(value).Expression;
        // App settings pass through string(), which changes nothing for a string.
        if (expression.StartsWith("string(", StringComparison.Ordinal) && expression.EndsWith(')'))
        {
            expression = expression["string(".Length..^1];
        }

        Assert.StartsWith($"reference('{identityId}'", expression, StringComparison.Ordinal);
        Assert.EndsWith("." + property, expression, StringComparison.Ordinal);
    }

    private static string Text(IReadOnlyDictionary<string, ArmValue> settings, string name) =>
        settings.TryGetValue(name, out var value) ? Text(value) : throw new Xunit.Sdk.XunitException($"App setting {name} is missing.");

    private static string Text(ArmValue value) =>
        value.AsString() ?? throw new Xunit.Sdk.XunitException($"Expected a known string, got {value}.");

    private static int Int(ArmValue value) =>
        value is ArmValue.Known { Value: JsonValue v } && v.TryGetValue<int>(out var i) ? i : throw new Xunit.Sdk.XunitException($"Expected a known integer, got {value}.");

    private static bool Bool(ArmValue value) =>
        value is ArmValue.Known { Value: JsonValue v } && v.TryGetValue<bool>(out var b) ? b : throw new Xunit.Sdk.XunitException($"Expected a known boolean, got {value}.");
}
