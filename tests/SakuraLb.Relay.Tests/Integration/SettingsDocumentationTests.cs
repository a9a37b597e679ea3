using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using SakuraLb.Relay.Options;

namespace SakuraLb.Relay.Tests.Integration;

/// <summary>The relay's settings table in docs/operations.md lists every option with the default the code has.</summary>
public sealed partial class SettingsDocumentationTests
{
    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex Quoted();

    private static IEnumerable<(string Name, string Default)> DocumentedSettings()
    {
        var guide = File.ReadAllLines(Path.Combine(Repository.Root, "docs", "operations.md"));
        var start = Array.FindIndex(guide, l => l.Trim() == "#### Settings");
        Assert.True(start > 0, "operations.md has the relay's settings section");
        foreach (var line in guide.Skip(start + 1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')).Skip(2))
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            var names = cells[1].Split(" / ");
            var defaults = cells[2].Split(" / ");
            for (var i = 0; i < names.Length; i++)
            {
                yield return (Quoted().Match(names[i]).Groups[1].Value, defaults.Length == names.Length ? defaults[i] : cells[2]);
            }
        }
    }

    /// <summary>The value a documented default stands for, or null for a prose default ("(required)", "the pod name").</summary>
    private static object? Parse(string text, Type type)
    {
        var quoted = Quoted().Match(text);
        if (!quoted.Success)
        {
            return null;
        }

        var value = quoted.Groups[1].Value;
        if (type == typeof(TimeSpan))
        {
            return value.EndsWith(" s", StringComparison.Ordinal)
                ? TimeSpan.FromSeconds(double.Parse(value[..^2], CultureInfo.InvariantCulture))
                : TimeSpan.Parse(value, CultureInfo.InvariantCulture);
        }

        return type == typeof(int) ? int.Parse(value, CultureInfo.InvariantCulture)
            : type == typeof(bool) ? bool.Parse(value)
            : value;
    }

    [Fact]
    public void OperationsGuide_RelaySettingsTable_NamesEveryOptionWithItsDefault()
    {
        var documented = DocumentedSettings().ToArray();
        var options = typeof(RelayOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToArray();
        var defaults = new RelayOptions();

        Assert.Equal(
            options.Select(p => p.Name).Order(StringComparer.Ordinal),
            documented.Select(d => d.Name).Order(StringComparer.Ordinal));
        foreach (var (name, text) in documented)
        {
            var property = options.Single(p => p.Name == name);
            if (Parse(text, Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType) is { } value)
            {
                Assert.True(Equals(value, property.GetValue(defaults)), $"{name}: the guide says {text}, the code has {property.GetValue(defaults)}");
            }
        }
    }
}
