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

    /// <summary>Table storage connection string; defaults to the <c>AzureWebJobsStorage</c> setting.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Prefix of every table name (letters and digits, starting with a letter).</summary>
    public string TablePrefix { get; set; } = "sakuralb";
}
