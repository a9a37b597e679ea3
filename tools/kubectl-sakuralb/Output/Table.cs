using System.Text;

namespace SakuraLb.Kubectl.Output;

/// <summary>A table as kubectl prints one: upper-case headers, columns padded to their widest cell, three spaces apart, "&lt;none&gt;" for empty.</summary>
internal static class Table
{
    public const string None = "<none>";

    public static string Render(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string?>> rows)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        var cells = rows.Select(r => r.Select(c => string.IsNullOrEmpty(c) ? None : c).ToArray()).ToList();
        var widths = headers.Select((h, i) => cells.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        foreach (var line in cells.Prepend([.. headers]))
        {
            text.AppendLine(string.Join("   ", line.Select((c, i) => i == line.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd());
        }

        return text.ToString();
    }
}
