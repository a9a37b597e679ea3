using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using KubeSim.Api;
using KubeSim.Json;
using KubeSim.Patching;
using KubeSim.Selectors;
using KubeSim.Semantics;

namespace KubeSim.Storage;

/// <summary>
/// The simulated etcd plus registry: every object of every resource, one global resourceVersion
/// counter, a bounded history of changes for resuming watches, and the open watches. All state is
/// guarded by one lock, so a write, its history entry and its delivery to watches are atomic and
/// watches see changes in resourceVersion order. Objects are kept as JSON so unknown fields survive.
/// </summary>
internal sealed class ObjectStore : IStrategyContext
{
    private const string InitialEventsEndAnnotation = "k8s.io/initial-events-end";
    private const string GenerateNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";
    private static readonly string[] DefaultNamespaces = ["default", "kube-node-lease", "kube-public", "kube-system"];

    private readonly Lock gate = new();
    private readonly Dictionary<string, SortedDictionary<(string Ns, string Name), JsonObject>> objects = new(StringComparer.Ordinal);
    private readonly Queue<HistoryEntry> history = new();
    private readonly List<WatchSubscription> watches = [];
    private readonly Dictionary<string, ResourceStrategy> strategies;
    private readonly TimeProvider time;
    private readonly int historyLimit;
    private long revision;
    private long historyFloor;

    public ObjectStore(TimeProvider time, int historyLimit)
    {
        this.time = time;
        this.historyLimit = historyLimit;
        ResourceStrategy[] strategies =
        [
            new ServiceStrategy(), new NodeStrategy(), new EventStrategy(), new LeaseStrategy(), new NamespaceStrategy(),
            new PodStrategy(), new ConfigMapStrategy(), new DeploymentStrategy(), new EndpointSliceStrategy(),
        ];
        this.strategies = strategies.ToDictionary(s => s.Storage, StringComparer.Ordinal);
        foreach (var s in strategies)
        {
            objects[s.Storage] = new SortedDictionary<(string, string), JsonObject>(KeyComparer.Instance);
        }

        lock (gate)
        {
            foreach (var ns in DefaultNamespaces)
            {
                EnsureNamespaceLocked(ns);
            }
        }
    }

    public DateTimeOffset Now => time.GetUtcNow();

    public long Revision
    {
        get
        {
            lock (gate)
            {
                return revision;
            }
        }
    }

    public ResourceStrategy StrategyFor(ResourceType type) => strategies[type.Storage];

    IEnumerable<JsonObject> IStrategyContext.All(string storage) => objects[storage].Values;

    // ---- reads ----

    public JsonObject Get(ResourceType type, string ns, string name)
    {
        lock (gate)
        {
            return ToWire(type, Find(type, ns, name));
        }
    }

    public ListResult List(ResourceType type, string ns, ListOptions options)
    {
        lock (gate)
        {
            var matches = Matcher(type, ns, options.Labels, options.Fields);
            IEnumerable<KeyValuePair<(string Ns, string Name), JsonObject>> all = objects[type.Storage];
            if (options.Continue is { Length: > 0 } token)
            {
                var after = DecodeContinue(token);
                all = all.Where(p => KeyComparer.Instance.Compare(p.Key, after) > 0);
            }

            var selected = all.Where(p => matches(p.Value)).ToList();
            var page = options.Limit is > 0 and var limit && selected.Count > limit ? selected.Take(limit).ToList() : selected;
            string? next = null;
            long? remaining = null;
            if (page.Count < selected.Count)
            {
                next = EncodeContinue(page[^1].Key);
                remaining = selected.Count - page.Count;
            }

            return new ListResult(page.Select(p => ToWire(type, p.Value)).ToList(), Rv(revision), next, remaining);
        }
    }

    // ---- writes ----

    public JsonObject Create(ResourceType type, string ns, JsonObject body, bool dryRun = false)
    {
        lock (gate)
        {
            var strategy = strategies[type.Storage];
            var obj = FromWire(type, body);
            var meta = obj.Meta();
            CheckNamespace(type, ns, meta);
            if (!string.IsNullOrEmpty(meta.Str("resourceVersion")))
            {
                throw KubeApiException.BadRequest("resourceVersion should not be set on objects to be created");
            }

            var name = meta.Str("name") ?? "";
            if (name.Length == 0 && meta.Str("generateName") is { Length: > 0 } prefix)
            {
                name = prefix + RandomSuffix();
                meta["name"] = name;
            }

            if (name.Length == 0)
            {
                throw KubeApiException.Invalid(type.Kind, type.Group, "", [FieldError.Required("metadata.name", "name or generateName is required")]);
            }

            var now = Now;
            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = Timestamp(now);
            meta.Remove("deletionTimestamp");
            meta.Remove("deletionGracePeriodSeconds");
            meta.Remove("generation");
            if (!strategy.KeepsStatusOnCreate)
            {
                obj.Remove("status");
            }

            strategy.PrepareForCreate(obj, this);
            var errors = strategy.ValidateName(name).Concat(NameRules.ObjectMetaLabelsAndAnnotations(obj)).Concat(strategy.Validate(obj, null, type)).ToList();
            if (errors.Count > 0)
            {
                throw KubeApiException.Invalid(type.Kind, type.Group, name, errors);
            }

            if (objects[type.Storage].ContainsKey(Key(type, ns, name)))
            {
                throw KubeApiException.AlreadyExists(type.QualifiedName, type.Group, type.Plural, name);
            }

            strategy.Allocate(obj, null, this);
            if (dryRun)
            {
                return ToWire(type, obj);
            }

            if (type.Namespaced)
            {
                EnsureNamespaceLocked(ns);
            }

            Commit(type.Storage, Key(type, ns, name), null, obj, "ADDED");
            return ToWire(type, obj);
        }
    }

    public JsonObject Update(ResourceType type, string ns, string name, JsonObject body, bool status, bool dryRun = false)
    {
        lock (gate)
        {
            var current = Find(type, ns, name);
            return UpdateLocked(type, ns, name, current, FromWire(type, body), status, dryRun, fromPatch: false);
        }
    }

    public JsonObject Patch(ResourceType type, string ns, string name, PatchKind kind, JsonNode? patch, bool status, bool dryRun = false)
    {
        lock (gate)
        {
            var current = Find(type, ns, name);
            var wire = ToWire(type, current);
            JsonNode? patched;
            try
            {
                patched = kind switch
                {
                    PatchKind.Json => JsonPatch.Apply(wire, patch),
                    PatchKind.Merge => MergePatch.Apply(wire, patch is JsonObject ? patch : throw new MalformedPatchException("merge patch must be a JSON object")),
                    _ => StrategicMergePatch.Apply(wire, patch as JsonObject ?? throw new MalformedPatchException("strategic merge patch must be a JSON object"),
                        strategies[type.Storage].MergeLists),
                };
            }
            catch (PatchFailedException e)
            {
                throw KubeApiException.PatchNotApplied(e);
            }
            catch (MalformedPatchException e)
            {
                throw KubeApiException.BadRequest(e.Message);
            }

            if (patched is not JsonObject patchedObject)
            {
                throw KubeApiException.BadRequest("the patch did not produce an object");
            }

            return UpdateLocked(type, ns, name, current, FromWire(type, patchedObject), status, dryRun, fromPatch: true);
        }
    }

    public DeleteResult Delete(ResourceType type, string ns, string name, DeleteOptions options)
    {
        lock (gate)
        {
            var current = Find(type, ns, name);
            var meta = current.Meta();
            if (options.PreconditionUid is { Length: > 0 } uid && uid != meta.Str("uid"))
            {
                throw KubeApiException.Conflict(type.QualifiedName, type.Group, type.Plural, name,
                    $"Precondition failed: UID in precondition: {uid}, UID in object meta: {meta.Str("uid")}");
            }

            if (options.PreconditionResourceVersion is { Length: > 0 } rv && rv != meta.Str("resourceVersion"))
            {
                throw KubeApiException.Conflict(type.QualifiedName, type.Group, type.Plural, name,
                    $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {meta.Str("resourceVersion")}");
            }

            if (options.PropagationPolicy is { } policy && policy is not ("Orphan" or "Background" or "Foreground"))
            {
                throw KubeApiException.Invalid("DeleteOptions", "", "", [FieldError.NotSupported("propagationPolicy", JsonNav.Quote(policy), ["Background", "Foreground", "Orphan"])]);
            }

            var finalizers = meta.Arr("finalizers");
            if (finalizers is { Count: > 0 })
            {
                if (meta["deletionTimestamp"] is not null || options.DryRun)
                {
                    return new DeleteResult(ToWire(type, current), false);
                }

                var marked = current.CloneObject();
                marked.Meta()["deletionTimestamp"] = Timestamp(Now);
                marked.Meta()["deletionGracePeriodSeconds"] = 0;
                Commit(type.Storage, Key(type, ns, name), current, marked, "MODIFIED");
                return new DeleteResult(ToWire(type, marked), false);
            }

            if (options.DryRun)
            {
                return new DeleteResult(ToWire(type, current), true);
            }

            var final = current.CloneObject();
            Commit(type.Storage, Key(type, ns, name), current, final, "DELETED");
            return new DeleteResult(ToWire(type, final), true);
        }
    }

    // ---- watches ----

    public WatchSubscription Watch(ResourceType type, string ns, WatchOptions options, Func<string, JsonObject, string> format)
    {
        lock (gate)
        {
            var sub = new WatchSubscription(type.Storage, ns, Matcher(type, ns, options.Labels, options.Fields), format);
            var rv = options.ResourceVersion;
            if (options.SendInitialEvents || string.IsNullOrEmpty(rv) || rv == "0")
            {
                // "Start at most recent": the current state as synthetic ADDED events, then live changes.
                foreach (var obj in objects[type.Storage].Values.Where(sub.Matches))
                {
                    sub.Write("ADDED", obj);
                }

                if (options.SendInitialEvents && options.AllowBookmarks)
                {
                    var bookmark = BookmarkObject(type.Storage);
                    bookmark.Meta()["annotations"] = new JsonObject { [InitialEventsEndAnnotation] = "true" };
                    sub.Write("BOOKMARK", bookmark);
                }
            }
            else
            {
                if (!long.TryParse(rv, NumberStyles.None, CultureInfo.InvariantCulture, out var from))
                {
                    throw KubeApiException.BadRequest($"invalid resource version \"{rv}\"");
                }

                if (from < historyFloor)
                {
                    throw KubeApiException.TooOldResourceVersion(from, historyFloor);
                }

                foreach (var entry in history)
                {
                    if (entry.ResourceVersion > from)
                    {
                        Deliver(sub, entry);
                    }
                }
            }

            watches.Add(sub);
            return sub;
        }
    }

    public void Unsubscribe(WatchSubscription sub)
    {
        lock (gate)
        {
            sub.Close();
            watches.Remove(sub);
        }
    }

    public void SendBookmark(WatchSubscription sub)
    {
        lock (gate)
        {
            sub.Write("BOOKMARK", BookmarkObject(sub.Storage));
        }
    }

    public int OpenWatchCount(string? storage)
    {
        lock (gate)
        {
            return watches.Count(w => storage is null || w.Storage == storage);
        }
    }

    /// <summary>Forgets all history: a watch from any older resourceVersion now gets 410 Gone. Open watches keep running.</summary>
    public long Compact()
    {
        lock (gate)
        {
            history.Clear();
            historyFloor = revision;
            return revision;
        }
    }

    /// <summary>Ends open watches with an in-stream 410 ERROR event, as when etcd compacts under a slow watcher.</summary>
    public int ExpireWatches(string? storage)
    {
        lock (gate)
        {
            var victims = watches.Where(w => storage is null || w.Storage == storage).ToList();
            foreach (var w in victims)
            {
                w.Write("ERROR", KubeApiException.Expired("The resourceVersion for the provided watch is too old.").ToStatus());
                w.Close();
                watches.Remove(w);
            }

            return victims.Count;
        }
    }

    // ---- internals ----

    /// <param name="fromPatch">
    /// A PUT's <c>metadata.uid</c> is a storage precondition (409 Conflict, checked first); a patch has no
    /// preconditions, so a uid it changes fails metadata validation instead (422 "field is immutable").
    /// </param>
    private JsonObject UpdateLocked(ResourceType type, string ns, string name, JsonObject current, JsonObject incoming, bool statusOnly, bool dryRun, bool fromPatch)
    {
        var strategy = strategies[type.Storage];
        if (statusOnly && !strategy.HasStatusSubresource)
        {
            throw KubeApiException.NotFoundPath();
        }

        var inMeta = incoming.Meta();
        var incomingName = inMeta.Str("name") ?? "";
        if (incomingName != name)
        {
            throw KubeApiException.BadRequest($"the name of the object ({incomingName}) does not match the name on the URL ({name})");
        }

        CheckNamespace(type, ns, inMeta);
        var currentMeta = current.Meta();
        var changedUid = inMeta.Str("uid") is { Length: > 0 } uid && uid != currentMeta.Str("uid") ? uid : null;
        if (changedUid is not null && !fromPatch)
        {
            throw KubeApiException.Conflict(type.QualifiedName, type.Group, type.Plural, name,
                $"Precondition failed: UID in precondition: {changedUid}, UID in object meta: {currentMeta.Str("uid")}");
        }

        if (inMeta.Str("resourceVersion") is { Length: > 0 } rv && rv != currentMeta.Str("resourceVersion"))
        {
            throw KubeApiException.StaleResourceVersion(type.QualifiedName, type.Group, type.Plural, name);
        }

        JsonObject next;
        if (statusOnly)
        {
            next = current.CloneObject();
            SetOrRemove(next, "status", incoming["status"]);
        }
        else
        {
            next = incoming.CloneObject();
            if (strategy.HasStatusSubresource)
            {
                SetOrRemove(next, "status", current["status"]);
            }

            var nextMeta = next.Meta();
            foreach (var field in new[] { "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "namespace" })
            {
                SetOrRemove(nextMeta, field, currentMeta[field]);
            }
        }

        next.Meta()["resourceVersion"] = currentMeta.Str("resourceVersion");
        var oldFinalizers = currentMeta.Arr("finalizers").StringItems().ToHashSet(StringComparer.Ordinal);
        var newFinalizers = next.Meta().Arr("finalizers").StringItems().ToList();
        if (currentMeta["deletionTimestamp"] is not null && newFinalizers.Any(f => !oldFinalizers.Contains(f)))
        {
            var added = newFinalizers.Where(f => !oldFinalizers.Contains(f)).Select(f => "\"" + f + "\"");
            throw KubeApiException.Invalid(type.Kind, type.Group, name,
                [FieldError.Forbidden("metadata.finalizers", $"no new finalizers can be added if the object is being deleted, found new finalizers []string{{{string.Join(", ", added)}}}")]);
        }

        if (!statusOnly)
        {
            strategy.PrepareForUpdate(next, current, this);
        }

        var errors = NameRules.ObjectMetaLabelsAndAnnotations(next).ToList();
        if (changedUid is not null)
        {
            errors.Add(FieldError.Immutable("metadata.uid", JsonNav.Quote(changedUid)));
        }

        errors.AddRange(strategy.Validate(next, current, type));
        if (errors.Count > 0)
        {
            throw KubeApiException.Invalid(type.Kind, type.Group, name, errors);
        }

        if (!statusOnly)
        {
            strategy.Allocate(next, current, this);
        }

        if (JsonNode.DeepEquals(next, current))
        {
            // A write that changes nothing keeps the resourceVersion and wakes no watcher, as in a real cluster.
            return ToWire(type, current);
        }

        if (dryRun)
        {
            return ToWire(type, next);
        }

        var deleting = next.Meta()["deletionTimestamp"] is not null && newFinalizers.Count == 0;
        Commit(type.Storage, Key(type, ns, name), current, next, deleting ? "DELETED" : "MODIFIED");
        return ToWire(type, next);
    }

    private void Commit(string storage, (string, string) key, JsonObject? previous, JsonObject next, string eventType)
    {
        revision++;
        next.Meta()["resourceVersion"] = Rv(revision);
        if (eventType == "DELETED")
        {
            objects[storage].Remove(key);
        }
        else
        {
            objects[storage][key] = next;
        }

        // History keeps its own copies: the stored object is replaced, never mutated, but callers may hold `next`.
        var entry = new HistoryEntry(revision, storage, eventType, previous?.CloneObject(), next.CloneObject());
        history.Enqueue(entry);
        while (history.Count > historyLimit)
        {
            historyFloor = history.Dequeue().ResourceVersion;
        }

        foreach (var w in watches)
        {
            if (w.Storage == storage)
            {
                Deliver(w, entry);
            }
        }
    }

    private static void Deliver(WatchSubscription sub, HistoryEntry entry)
    {
        if (entry.Storage != sub.Storage)
        {
            return;
        }

        var now = sub.Matches(entry.Current);
        var before = entry.Previous is not null && sub.Matches(entry.Previous);

        // A change that moves an object into or out of a selector looks like ADDED or DELETED to that watcher.
        var type = entry.Type switch
        {
            "ADDED" => now ? "ADDED" : null,
            "DELETED" => now ? "DELETED" : null,
            _ => (before, now) switch
            {
                (true, true) => "MODIFIED",
                (false, true) => "ADDED",
                (true, false) => "DELETED",
                _ => null,
            },
        };
        if (type is not null)
        {
            sub.Write(type, entry.Current);
        }
    }

    private Func<JsonObject, bool> Matcher(ResourceType type, string ns, LabelSelector labels, FieldSelector fields)
    {
        var extractors = strategies[type.Storage].FieldExtractors;
        return obj =>
            (ns.Length == 0 || obj.Namespace() == ns)
            && labels.Matches(obj.Obj("metadata").StringMap("labels"))
            && fields.Matches(f => extractors.TryGetValue(f, out var get) ? get(obj) : null);
    }

    private JsonObject Find(ResourceType type, string ns, string name)
    {
        if (type.Namespaced && ns.Length == 0)
        {
            throw KubeApiException.NotFoundPath();
        }

        return objects[type.Storage].TryGetValue(Key(type, ns, name), out var obj)
            ? obj
            : throw KubeApiException.NotFound(type.QualifiedName, type.Group, type.Plural, name);
    }

    private void EnsureNamespaceLocked(string ns)
    {
        if (objects["namespaces"].ContainsKey(("", ns)))
        {
            return;
        }

        var obj = new JsonObject
        {
            ["kind"] = "Namespace",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject { ["name"] = ns, ["uid"] = Guid.NewGuid().ToString(), ["creationTimestamp"] = Timestamp(Now) },
        };
        strategies["namespaces"].PrepareForCreate(obj, this);
        Commit("namespaces", ("", ns), null, obj, "ADDED");
    }

    private static void CheckNamespace(ResourceType type, string ns, JsonObject meta)
    {
        var bodyNs = meta.Str("namespace");
        if (!type.Namespaced)
        {
            meta.Remove("namespace");
            return;
        }

        if (ns.Length == 0)
        {
            throw KubeApiException.NotFoundPath();
        }

        if (!string.IsNullOrEmpty(bodyNs) && bodyNs != ns)
        {
            throw KubeApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        meta["namespace"] = ns;
    }

    private static (string, string) Key(ResourceType type, string ns, string name) => (type.Namespaced ? ns : "", name);

    // A bookmark says "you have seen everything up to here": only kind, apiVersion and metadata.resourceVersion.
    private JsonObject BookmarkObject(string storage)
    {
        var shape = ResourceCatalog.StorageType(storage);
        return new JsonObject
        {
            ["kind"] = shape.Kind,
            ["apiVersion"] = shape.GroupVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = Rv(revision) },
        };
    }

    /// <summary>The object in the shape of the API it is served through (events.k8s.io events are renamed).</summary>
    public static JsonObject ToWire(ResourceType type, JsonObject stored)
    {
        if (type.Group == "events.k8s.io")
        {
            return EventStrategy.ToEventsV1(stored);
        }

        var copy = new JsonObject { ["kind"] = type.Kind, ["apiVersion"] = type.GroupVersion };
        foreach (var (k, v) in stored)
        {
            if (k is not ("kind" or "apiVersion"))
            {
                copy[k] = v?.DeepClone();
            }
        }

        return copy;
    }

    private static JsonObject FromWire(ResourceType type, JsonObject body)
    {
        if (body.Str("apiVersion") is { Length: > 0 } apiVersion && apiVersion != type.GroupVersion)
        {
            throw KubeApiException.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.GroupVersion})");
        }

        if (body.Str("kind") is { Length: > 0 } kind && kind != type.Kind)
        {
            throw KubeApiException.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({type.Kind})");
        }

        if (type.Group == "events.k8s.io")
        {
            return EventStrategy.FromEventsV1(body);
        }

        var storageShape = ResourceCatalog.StorageType(type.Storage);
        var copy = body.CloneObject();
        copy["kind"] = storageShape.Kind;
        copy["apiVersion"] = storageShape.GroupVersion;
        return copy;
    }

    private static void SetOrRemove(JsonObject target, string name, JsonNode? value)
    {
        if (value is null)
        {
            target.Remove(name);
        }
        else
        {
            target[name] = value.DeepClone();
        }
    }

    public static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Rv(long rv) => rv.ToString(CultureInfo.InvariantCulture);

    private static string RandomSuffix() =>
        string.Create(5, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = GenerateNameAlphabet[Random.Shared.Next(GenerateNameAlphabet.Length)];
            }
        });

    private static string EncodeContinue((string Ns, string Name) key) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(key.Ns + "\n" + key.Name)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static (string, string) DecodeContinue(string token)
    {
        try
        {
            var b64 = token.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(b64)).Split('\n', 2);
            return parts.Length == 2 ? (parts[0], parts[1]) : throw new FormatException();
        }
        catch (FormatException)
        {
            throw KubeApiException.BadRequest("continue key is not valid: illegal base64 data");
        }
    }

    private sealed class KeyComparer : IComparer<(string Ns, string Name)>
    {
        public static readonly KeyComparer Instance = new();

        public int Compare((string Ns, string Name) x, (string Ns, string Name) y)
        {
            var c = string.CompareOrdinal(x.Ns, y.Ns);
            return c != 0 ? c : string.CompareOrdinal(x.Name, y.Name);
        }
    }
}
