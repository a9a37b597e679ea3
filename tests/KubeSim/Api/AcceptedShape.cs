namespace KubeSim.Api;

internal enum ResponseShape
{
    Object,
    Table,
    PartialObjectMetadata,
    PartialObjectMetadataList,
}

/// <summary>The response form a client asked for in its Accept header (kubectl asks for Tables).</summary>
internal sealed record AcceptedShape(ResponseShape Shape, string MetaVersion)
{
    public static readonly AcceptedShape PlainJson = new(ResponseShape.Object, "v1");

    /// <summary>Picks the first entry of the Accept header that the simulator can produce; null when none.</summary>
    public static AcceptedShape? Negotiate(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return PlainJson;
        }

        foreach (var entry in accept.Split(','))
        {
            var parts = entry.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0)
            {
                continue;
            }

            var media = parts[0].ToLowerInvariant();
            if (media is not ("application/json" or "*/*" or "application/*" or "application/json;stream=watch"))
            {
                continue;
            }

            var p = parts.Skip(1).Select(x => x.Split('=', 2)).Where(x => x.Length == 2)
                .ToDictionary(x => x[0].ToLowerInvariant(), x => x[1], StringComparer.Ordinal);
            if (!p.TryGetValue("as", out var asKind))
            {
                return PlainJson;
            }

            var group = p.GetValueOrDefault("g");
            var version = p.GetValueOrDefault("v") ?? "v1";
            if (group != "meta.k8s.io" || version is not ("v1" or "v1beta1"))
            {
                continue; // e.g. aggregated discovery (apidiscovery.k8s.io): not served, the client falls back
            }

            switch (asKind)
            {
                case "Table":
                    return new AcceptedShape(ResponseShape.Table, version);
                case "PartialObjectMetadata":
                    return new AcceptedShape(ResponseShape.PartialObjectMetadata, version);
                case "PartialObjectMetadataList":
                    return new AcceptedShape(ResponseShape.PartialObjectMetadataList, version);
            }
        }

        return null;
    }

    public string ContentType => Shape switch
    {
        ResponseShape.Table => $"application/json;as=Table;v={MetaVersion};g=meta.k8s.io",
        ResponseShape.PartialObjectMetadata => $"application/json;as=PartialObjectMetadata;v={MetaVersion};g=meta.k8s.io",
        ResponseShape.PartialObjectMetadataList => $"application/json;as=PartialObjectMetadataList;v={MetaVersion};g=meta.k8s.io",
        _ => "application/json",
    };
}
