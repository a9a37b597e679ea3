using Microsoft.Extensions.Logging;
using SakuraLb.Sakura.Telemetry;
using SakuraLb.Sakura.Wire;

namespace SakuraLb.Sakura;

/// <summary>
/// Runs a search page by page (<c>From</c>/<c>Count</c>) until it has every match. Guards against a
/// server that ignores paging: a page larger than asked for, or one reporting another offset, is taken
/// as the whole answer; a page that adds nothing new ends the loop; items are de-duplicated by ID.
/// </summary>
internal static class SearchPager
{
    private const int PagesWithoutTotal = 1000;

    public static async Task<IReadOnlyList<T>> CollectAsync<TEnvelope, T>(
        Func<SearchRequest, CancellationToken, Task<TEnvelope>> fetch,
        SearchRequest query,
        int pageSize,
        Func<T, long> idOf,
        string path,
        ILogger logger,
        CancellationToken cancellationToken)
        where TEnvelope : ListEnvelope<T>
    {
        var items = new List<T>();
        var seen = new HashSet<long>();
        var from = 0;
        var maxPages = PagesWithoutTotal;
        for (var page = 0; page < maxPages; page++)
        {
            var envelope = await fetch(query with { From = from, Count = pageSize }, cancellationToken);
            var pageItems = envelope.Items();
            var added = 0;
            foreach (var item in pageItems)
            {
                if (seen.Add(idOf(item)))
                {
                    items.Add(item);
                    added++;
                }
            }

            if (pageItems.Count > pageSize || (envelope.From is { } reported && reported != from))
            {
                Logs.PagingIgnored(logger, path, from, pageSize, pageItems.Count, envelope.From);
                break;
            }

            if (envelope.Total > 0)
            {
                maxPages = Math.Min(PagesWithoutTotal, (envelope.Total / pageSize) + 2);
            }

            from += pageItems.Count;
            var complete = envelope.Total > 0 ? from >= envelope.Total : pageItems.Count < pageSize;
            if (complete || pageItems.Count == 0 || added == 0)
            {
                break;
            }
        }

        return items;
    }
}
