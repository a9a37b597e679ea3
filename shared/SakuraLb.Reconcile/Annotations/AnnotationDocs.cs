using System.Text;

namespace SakuraLb.Reconcile.Annotations;

/// <summary>Renders the catalogues as the Markdown tables of docs/annotations.md (a test keeps the file in step).</summary>
public static class AnnotationDocs
{
    public const string AnnotationHeader = "| Key | Type | Default | Example | Description |";
    public const string ReasonHeader = "| Reason | Severity | Meaning | What to do |";

    public static string AnnotationTable()
    {
        var sb = new StringBuilder();
        sb.Append(AnnotationHeader).Append('\n');
        sb.Append("|---|---|---|---|---|\n");
        foreach (var a in LoadBalancerAnnotations.All)
        {
            sb.Append($"| `{a.Key}` | {a.Type} | {a.Default} | {a.Example} | {a.Description} |\n");
        }

        return sb.ToString();
    }

    public static string ReasonTable()
    {
        var sb = new StringBuilder();
        sb.Append(ReasonHeader).Append('\n');
        sb.Append("|---|---|---|---|\n");
        foreach (var r in ReasonCodes.All)
        {
            sb.Append($"| `{r.Code}` | {r.Severity} | {r.Meaning} | {r.Action} |\n");
        }

        return sb.ToString();
    }
}
