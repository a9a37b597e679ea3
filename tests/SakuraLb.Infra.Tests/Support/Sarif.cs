using System.Text;
using System.Text.Json;

namespace SakuraLb.Infra.Tests.Support;

/// <summary>One diagnostic the compiler or the linter reported.</summary>
internal sealed record BicepDiagnostic(string File, int Line, string Level, string RuleId, string Message)
{
    public override string ToString() => $"{File}({Line}): {Level} {RuleId}: {Message}";
}

/// <summary>
/// Reads the compiler's <c>--diagnostics-format sarif</c> output. With <c>--pattern</c> it prints one SARIF document
/// per file, back to back, so the input is a sequence of JSON values rather than one.
/// </summary>
internal static class Sarif
{
    public static IReadOnlyList<BicepDiagnostic> Parse(string output)
    {
        var diagnostics = new List<BicepDiagnostic>();
        if (string.IsNullOrWhiteSpace(output))
        {
            return diagnostics;
        }

        if (!output.TrimStart().StartsWith('{'))
        {
            throw new InvalidOperationException($"The compiler printed something other than SARIF:\n{output}");
        }

        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(output), new JsonReaderOptions { AllowMultipleValues = true });
        while (reader.Read())
        {
            using var document = JsonDocument.ParseValue(ref reader);
            foreach (var run in document.RootElement.GetProperty("runs").EnumerateArray())
            {
                foreach (var result in run.GetProperty("results").EnumerateArray())
                {
                    diagnostics.Add(ToDiagnostic(result));
                }
            }
        }

        return diagnostics;
    }

    private static BicepDiagnostic ToDiagnostic(JsonElement result)
    {
        var location = result.GetProperty("locations")[0].GetProperty("physicalLocation");
        var uri = new Uri(location.GetProperty("artifactLocation").GetProperty("uri").GetString()!);
        return new BicepDiagnostic(
            uri.LocalPath,
            location.GetProperty("region").GetProperty("startLine").GetInt32(),
            result.GetProperty("level").GetString() ?? "",
            result.TryGetProperty("ruleId", out var rule) ? rule.GetString() ?? "" : "",
            result.GetProperty("message").GetProperty("text").GetString() ?? "");
    }
}
