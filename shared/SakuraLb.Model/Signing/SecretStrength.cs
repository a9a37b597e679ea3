namespace SakuraLb.Model.Signing;

/// <summary>
/// Whether a configured secret is fit to sign requests. Both the relay and the function app check their
/// secrets with this at start-up, so a placeholder copied from a shipped template, or a secret typed by
/// hand with too little variety, stops the program with a message instead of protecting nothing.
/// </summary>
public static class SecretStrength
{
    /// <summary>Shortest accepted secret: 32 characters is 192+ bits from any sensible generator.</summary>
    public const int MinLength = 32;

    /// <summary>
    /// Fewest distinct characters: 32 random hex digits show fewer than 8 distinct ones with a chance of
    /// about 4 in 100 million, while "aaaa…", "abab…" or a word repeated do.
    /// </summary>
    public const int MinDistinctCharacters = 8;

    /// <summary>
    /// The placeholders the repository ships (infra/relay/secret.template.yaml, functions/local.settings.json.example),
    /// compared with case and punctuation removed, so "REPLACE_ME" and "ChangeMe" are refused as well.
    /// </summary>
    private static readonly string[] Placeholders = ["replaceme", "changeme"];

    /// <summary>True when the value contains one of the shipped placeholders (case and punctuation ignored).</summary>
    public static bool IsPlaceholder(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        var letters = new string([.. value.Where(char.IsAsciiLetterOrDigit).Select(char.ToLowerInvariant)]);
        return Placeholders.Any(p => letters.Contains(p, StringComparison.Ordinal));
    }

    /// <summary>
    /// Why <paramref name="secret"/> must not be used, or null when it may. The reason never quotes the
    /// secret; <paramref name="setting"/> names the setting in the message.
    /// </summary>
    public static string? Problem(string setting, string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return $"{setting} is required.";
        }

        if (IsPlaceholder(secret))
        {
            return $"{setting} is still the shipped placeholder; generate a secret, e.g. with `openssl rand -base64 48`.";
        }

        if (secret.Length < MinLength)
        {
            return $"{setting} must be at least {MinLength} characters, got {secret.Length}.";
        }

        if (secret.Distinct().Count() < MinDistinctCharacters || IsRepetition(secret) || IsMostlySequential(secret))
        {
            return $"{setting} has too little variety (repeated or sequential characters); generate a random one, e.g. with `openssl rand -base64 48`.";
        }

        return null;
    }

    /// <summary>True when the secret is a shorter piece repeated ("0123456789abcdef0123456789abcdef").</summary>
    private static bool IsRepetition(string secret)
    {
        for (var period = 1; period <= secret.Length / 2; period++)
        {
            var repeats = true;
            for (var i = period; i < secret.Length && repeats; i++)
            {
                repeats = secret[i] == secret[i - period];
            }

            if (repeats)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when at least three quarters of the neighbouring characters are equal or one apart ("abcdefgh…",
    /// "aaaabbbb…"): for random base64 or hex that share is about a twentieth or a fifth.
    /// </summary>
    private static bool IsMostlySequential(string secret)
    {
        var steps = 0;
        for (var i = 1; i < secret.Length; i++)
        {
            if (Math.Abs(secret[i] - secret[i - 1]) <= 1)
            {
                steps++;
            }
        }

        return steps * 4 >= (secret.Length - 1) * 3;
    }
}
