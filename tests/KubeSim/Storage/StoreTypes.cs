using System.Text.Json.Nodes;
using System.Threading.Channels;
using KubeSim.Selectors;

namespace KubeSim.Storage;

internal sealed record ListOptions(LabelSelector Labels, FieldSelector Fields, int? Limit = null, string? Continue = null)
{
    public static ListOptions Everything { get; } = new(LabelSelector.Everything, FieldSelector.Everything);
}

internal sealed record ListResult(IReadOnlyList<JsonObject> Items, string ResourceVersion, string? Continue, long? RemainingItemCount);

internal sealed record WatchOptions(LabelSelector Labels, FieldSelector Fields, string? ResourceVersion, bool SendInitialEvents, bool AllowBookmarks);

internal sealed record DeleteOptions(string? PropagationPolicy = null, string? PreconditionUid = null, string? PreconditionResourceVersion = null, bool DryRun = false);

/// <param name="Object">The object as it now is (deleted, or marked for deletion while finalizers remain).</param>
/// <param name="Removed">True when the object is gone; false when it waits for finalizers.</param>
internal sealed record DeleteResult(JsonObject Object, bool Removed);

internal enum PatchKind
{
    Json,
    Merge,
    Strategic,
}

/// <summary>One change in the store's history: what a watch replays when it resumes from a resourceVersion.</summary>
internal sealed record HistoryEntry(long ResourceVersion, string Storage, string Type, JsonObject? Previous, JsonObject Current);

/// <summary>
/// An open watch: lines (one JSON watch event each) are written by the store under its lock, in
/// resourceVersion order, and read by the HTTP response writer.
/// </summary>
internal sealed class WatchSubscription
{
    private readonly Channel<string> lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    public WatchSubscription(string storage, string ns, Func<JsonObject, bool> matches, Func<string, JsonObject, string> format)
    {
        Storage = storage;
        Namespace = ns;
        Matches = matches;
        Format = format;
    }

    public string Storage { get; }

    public string Namespace { get; }

    public Func<JsonObject, bool> Matches { get; }

    public Func<string, JsonObject, string> Format { get; }

    public bool IsClosed { get; private set; }

    public ChannelReader<string> Reader => lines.Reader;

    public void Write(string type, JsonObject obj)
    {
        if (!IsClosed)
        {
            lines.Writer.TryWrite(Format(type, obj));
        }
    }

    public void Close()
    {
        IsClosed = true;
        lines.Writer.TryComplete();
    }
}
