using System.Text;

namespace SakuraLb.Reconcile.Annotations;

/// <summary>Renders the catalogues as the Markdown tables of docs/annotations.md (a test keeps the file in step).</summary>
public static class AnnotationDocs
{
    public const string AnnotationHeader = "| Key | Type | Default | Example | Description |";
    public const string ReasonHeader = "| Reason | Severity | Meaning | What to do |";

    public static string AnnotationTable() =>
        Table(AnnotationHeader, LoadBalancerAnnotations.All, a => $"| `{a.Key}` | {a.Type} | {a.Default} | {a.Example} | {a.Description} |");

    public static string ReasonTable() =>
        Table(ReasonHeader, ReasonCodes.All, r => $"| `{r.Code}` | {r.Severity} | {r.Meaning} | {r.Action} |");

    /// <summary>The header, the separator row (one <c>---</c> per column of the header), then one row per item.</summary>
    private static string Table<T>(string header, IEnumerable<T> items, Func<T, string> row)
    {
        var columns = header.Count(c => c == '|') - 1;
        var sb = new StringBuilder();
        sb.Append(header).Append('\n');
        sb.Append('|').Append(string.Concat(Enumerable.Repeat("---|", columns))).Append('\n');
        foreach (var item in items)
        {
            sb.Append(row(item)).Append('\n');
        }

        return sb.ToString();
    }
}
