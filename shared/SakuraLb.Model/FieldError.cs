namespace SakuraLb.Model;

/// <summary>One problem in a received message: the JSON path of the field (camelCase) and what is wrong.</summary>
public sealed record FieldError(string Path, string Problem);
