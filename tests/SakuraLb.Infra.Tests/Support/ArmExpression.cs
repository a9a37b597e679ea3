using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SakuraLb.Infra.Tests.Support;

/// <summary>A value in a deployment snapshot after evaluation.</summary>
internal abstract record ArmValue
{
    /// <summary>A string, number, boolean or object known before deployment.</summary>
    public sealed record Known(JsonNode? Value) : ArmValue
    {
        public override string ToString() => Value?.ToJsonString() ?? "null";
    }

    /// <summary>
    /// A value only Azure knows (a <c>reference()</c>, <c>listKeys()</c>, <c>tenant()</c>, ...): kept as the canonical
    /// text of the expression, so a test can still say which resource and property it reads.
    /// </summary>
    public sealed record Unresolved(string Expression) : ArmValue
    {
        public override string ToString() => $"[{Expression}]";
    }

    /// <summary>The value as a string, or null when it is not a known string.</summary>
    public string? AsString() => this is Known { Value: JsonValue v } && v.TryGetValue<string>(out var s) ? s : null;
}

/// <summary>
/// Evaluates the ARM template expressions that <c>bicep snapshot</c> leaves in its output, as far as they can be
/// evaluated offline: literals, <c>format</c>, <c>string</c>, <c>concat</c>, <c>toLower</c>/<c>toUpper</c>,
/// <c>not</c>, <c>empty</c>, and <c>environment()</c> for the public Azure cloud. Anything else becomes
/// <see cref="ArmValue.Unresolved"/>.
/// </summary>
internal static partial class ArmExpression
{
    // The public cloud's values of environment() that templates in this repository use.
    private static readonly JsonObject AzureCloud = new()
    {
        ["name"] = "AzureCloud",
        ["suffixes"] = new JsonObject
        {
            ["storage"] = "core.windows.net",
            ["keyvaultDns"] = ".vault.azure.net",
        },
    };

    /// <summary>Evaluates one JSON value of a template or snapshot (only strings can hold expressions).</summary>
    public static ArmValue Evaluate(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? Evaluate(text) : new ArmValue.Known(node?.DeepClone());

    /// <summary>Evaluates a template string: <c>[expr]</c> is an expression, <c>[[...</c> an escaped literal.</summary>
    public static ArmValue Evaluate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith("[[", StringComparison.Ordinal))
        {
            return new ArmValue.Known(JsonValue.Create(text[1..]));
        }

        if (text.Length >= 2 && text[0] == '[' && text[^1] == ']')
        {
            var parser = new Parser(text[1..^1]);
            var expression = parser.ParseWhole();
            return Eval(expression);
        }

        return new ArmValue.Known(JsonValue.Create(text));
    }

    private abstract record Node;

    private sealed record Literal(JsonNode? Value) : Node;

    private sealed record Call(string Name, IReadOnlyList<Node> Arguments) : Node;

    private sealed record Member(Node Target, string Name) : Node;

    private sealed record Index(Node Target, Node Key) : Node;

    private static ArmValue Eval(Node node) => node switch
    {
        Literal literal => new ArmValue.Known(literal.Value?.DeepClone()),
        Call call => EvalCall(call),
        Member member => Eval(member.Target) is ArmValue.Known { Value: JsonObject obj }
            ? Property(obj, member.Name, node)
            : new ArmValue.Unresolved(Render(node)),
        Index index => (Eval(index.Target), Eval(index.Key)) switch
        {
            (ArmValue.Known { Value: JsonArray array }, ArmValue.Known { Value: JsonValue key }) when key.TryGetValue<long>(out var i)
                => new ArmValue.Known(array[(int)i]?.DeepClone()),
            (ArmValue.Known { Value: JsonObject obj }, ArmValue.Known { Value: JsonValue key }) when key.TryGetValue<string>(out var name)
                => Property(obj, name, node),
            _ => new ArmValue.Unresolved(Render(node)),
        },
        _ => throw new InvalidOperationException($"Unknown node {node}."),
    };

    private static ArmValue Property(JsonObject obj, string name, Node node)
    {
        foreach (var (key, value) in obj)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return new ArmValue.Known(value?.DeepClone());
            }
        }

        throw new InvalidOperationException($"'{Render(node)}': the object has no property '{name}'.");
    }

    private static ArmValue EvalCall(Call call)
    {
        var arguments = call.Arguments.Select(Eval).ToList();
        if (arguments.Any(a => a is ArmValue.Unresolved))
        {
            return new ArmValue.Unresolved(Render(call));
        }

        var values = arguments.Cast<ArmValue.Known>().Select(a => a.Value).ToList();
        JsonNode? result = call.Name.ToUpperInvariant() switch
        {
            "FORMAT" => JsonValue.Create(Format(Text(values[0]), values.Skip(1).Select(Text).ToList())),
            "STRING" => JsonValue.Create(Text(values[0])),
            "CONCAT" => JsonValue.Create(string.Concat(values.Select(Text))),
            "TOLOWER" => JsonValue.Create(Text(values[0]).ToLowerInvariant()),
            "TOUPPER" => JsonValue.Create(Text(values[0]).ToUpperInvariant()),
            "NOT" => JsonValue.Create(!values[0]!.GetValue<bool>()),
            "EMPTY" => JsonValue.Create(IsEmpty(values[0])),
            "TRUE" => JsonValue.Create(true),
            "FALSE" => JsonValue.Create(false),
            "ENVIRONMENT" => AzureCloud.DeepClone(),
            _ => null,
        };
        return result is null ? new ArmValue.Unresolved(Render(call)) : new ArmValue.Known(result);
    }

    private static bool IsEmpty(JsonNode? value) => value switch
    {
        null => true,
        JsonObject o => o.Count == 0,
        JsonArray a => a.Count == 0,
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length == 0,
        _ => false,
    };

    private static string Text(JsonNode? value) => value switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "True" : "False",
        JsonValue v => v.ToJsonString(),
        null => "",
        _ => value.ToJsonString(),
    };

    private static string Format(string format, IReadOnlyList<string> arguments) =>
        PlaceholderPattern().Replace(format, m => arguments[int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)]);

    private static string Render(Node node) => node switch
    {
        Literal { Value: JsonValue v } when v.TryGetValue<string>(out var s) => $"'{s.Replace("'", "''", StringComparison.Ordinal)}'",
        Literal literal => literal.Value?.ToJsonString() ?? "null",
        Call call => $"{call.Name}({string.Join(", ", call.Arguments.Select(Render))})",
        Member member => $"{Render(member.Target)}.{member.Name}",
        Index index => $"{Render(index.Target)}[{Render(index.Key)}]",
        _ => node.ToString(),
    };

    [GeneratedRegex(@"\{(\d+)\}")]
    private static partial Regex PlaceholderPattern();

    /// <summary>Recursive descent over the expression language: calls, member access, indexing, literals.</summary>
    private sealed class Parser(string text)
    {
        private int position;

        public Node ParseWhole()
        {
            var node = ParseExpression();
            SkipSpace();
            if (position != text.Length)
            {
                throw Error("unexpected text after the expression");
            }

            return node;
        }

        private Node ParseExpression()
        {
            var node = ParsePrimary();
            while (true)
            {
                SkipSpace();
                if (Peek('.'))
                {
                    position++;
                    node = new Member(node, ReadIdentifier());
                }
                else if (Peek('['))
                {
                    position++;
                    var key = ParseExpression();
                    Expect(']');
                    node = new Index(node, key);
                }
                else
                {
                    return node;
                }
            }
        }

        private Node ParsePrimary()
        {
            SkipSpace();
            if (position >= text.Length)
            {
                throw Error("expression ends early");
            }

            var c = text[position];
            if (c == '\'')
            {
                return new Literal(JsonValue.Create(ReadString()));
            }

            if (char.IsAsciiDigit(c) || c == '-')
            {
                var start = position++;
                while (position < text.Length && char.IsAsciiDigit(text[position]))
                {
                    position++;
                }

                return new Literal(JsonValue.Create(long.Parse(text[start..position], CultureInfo.InvariantCulture)));
            }

            var name = ReadIdentifier();
            Expect('(');
            var arguments = new List<Node>();
            SkipSpace();
            if (Peek(')'))
            {
                position++;
                return new Call(name, arguments);
            }

            while (true)
            {
                arguments.Add(ParseExpression());
                SkipSpace();
                if (Peek(','))
                {
                    position++;
                    continue;
                }

                Expect(')');
                return new Call(name, arguments);
            }
        }

        private string ReadString()
        {
            var builder = new StringBuilder();
            position++;
            while (true)
            {
                if (position >= text.Length)
                {
                    throw Error("unterminated string");
                }

                var c = text[position++];
                if (c != '\'')
                {
                    builder.Append(c);
                }
                else if (position < text.Length && text[position] == '\'')
                {
                    builder.Append('\'');
                    position++;
                }
                else
                {
                    return builder.ToString();
                }
            }
        }

        private string ReadIdentifier()
        {
            SkipSpace();
            var start = position;
            while (position < text.Length && (char.IsAsciiLetterOrDigit(text[position]) || text[position] == '_'))
            {
                position++;
            }

            return position > start ? text[start..position] : throw Error("expected a name");
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (!Peek(c))
            {
                throw Error($"expected '{c}'");
            }

            position++;
        }

        private bool Peek(char c) => position < text.Length && text[position] == c;

        private void SkipSpace()
        {
            while (position < text.Length && text[position] == ' ')
            {
                position++;
            }
        }

        private FormatException Error(string problem) => new($"Expression '{text}', position {position}: {problem}.");
    }
}
