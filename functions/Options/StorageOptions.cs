namespace SakuraLb.Functions.Options;

public enum StorageMode
{
    /// <summary>Azure Table storage (Azurite locally).</summary>
    Table,

    /// <summary>Process memory: tests and the sandbox only; everything is lost on restart.</summary>
    InMemory,
}

/// <summary>Where desired state, status and reservations live (configuration section <c>Storage</c>).</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public StorageMode Mode { get; set; } = StorageMode.Table;

    /// <summary>
    /// Table storage connection string (Azurite, tests); defaults to the <c>AzureWebJobsStorage</c> setting when
    /// <see cref="TableServiceUri"/> is not set. Exactly one of the two is used.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The table endpoint (<c>https://&lt;account&gt;.table.core.windows.net/</c>), reached with the app's Microsoft Entra
    /// identity (DefaultAzureCredential: the managed identity named by <c>AZURE_CLIENT_ID</c> in Azure). With it the
    /// account needs no shared key, so shared-key access can be off and no account key is stored anywhere.
    /// </summary>
    /// <remarks>A string, not a <see cref="Uri"/>, so that an empty app setting means "not set".</remarks>
    public string? TableServiceUri { get; set; }

    /// <summary>The endpoint when <see cref="TableServiceUri"/> is set; null otherwise (or when it is not a URL).</summary>
    public Uri? TableServiceEndpoint =>
        string.IsNullOrWhiteSpace(TableServiceUri) ? null : Uri.TryCreate(TableServiceUri.Trim(), UriKind.Absolute, out var uri) ? uri : null;

    /// <summary>Prefix of every table name (letters and digits, starting with a letter).</summary>
    public string TablePrefix { get; set; } = "sakuralb";
}
