namespace FloorPay.Domain;

/// <summary>
/// Shapes of personal data FloorPay refuses to store. It keeps pseudonymous citizen ids and bank account tokens only
/// (docs/security.md): a bare number in an id is a national id, phone, account or card number, an IBAN is an account.
/// Names cannot be told from pseudonyms by their shape; that stays the bank's duty.
/// </summary>
public static class PersonalData
{
    /// <summary>Shortest digit run taken for a number that identifies a person in free text (ids: <see cref="MinIdDigits"/>).</summary>
    public const int MinTextDigits = 9;

    /// <summary>A whole id made of this many digits or more (separators aside) is a number that identifies a person.</summary>
    public const int MinIdDigits = 6;

    /// <summary>What personal data <paramref name="id"/> looks like, or null when it looks like a pseudonym.</summary>
    public static string? InIdentifier(string id)
    {
        var digits = 0;
        var letters = false;
        foreach (var c in id)
        {
            if (char.IsAsciiDigit(c)) digits++;
            else if (c is not ('.' or '-' or ':' or '_' or ' ' or '/' or '+')) letters = true;
        }
        if (!letters && digits >= MinIdDigits) return "a number (a national id, phone, account or card number)";
        if (IsIban(id)) return "an IBAN";
        return null;
    }

    /// <summary>What personal data free text carries, or null: a long number, an IBAN or an e-mail address.</summary>
    public static string? InText(string text)
    {
        if (HasLongNumber(text)) return "a number (a national id, phone, account or card number)";
        var words = text.Split([' ', '\t', '\n', '\r', ',', ';', '(', ')', '"', '\''], StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.TrimEnd('.', ':')).ToArray();
        for (var k = 0; k < words.Length; k++)
        {
            var at = words[k].IndexOf('@');
            if (at > 0 && words[k].IndexOf('.', at) > at + 1) return "an e-mail address";
            // An IBAN may be written in groups of four: join the words that follow while they could still be one.
            var joined = "";
            for (var next = k; next < words.Length && joined.Length + words[next].Length <= 34; next++)
            {
                joined += words[next];
                if (IsIban(joined)) return "an IBAN";
            }
        }
        return null;
    }

    /// <summary>
    /// A number standing alone (not part of a word such as a hex id) with at least <see cref="MinTextDigits"/> digits,
    /// its groups joined by '-', '.' or '/': "850101-123456", "123-45-6789"; a date "2026-11-28" is too short.
    /// </summary>
    private static bool HasLongNumber(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsAsciiDigit(text[i]) || (i > 0 && char.IsAsciiLetterOrDigit(text[i - 1]))) continue;
            var digits = 0;
            var j = i;
            while (j < text.Length && (char.IsAsciiDigit(text[j]) ||
                                       (text[j] is '-' or '.' or '/' && j + 1 < text.Length && char.IsAsciiDigit(text[j + 1]))))
            {
                if (char.IsAsciiDigit(text[j])) digits++;
                j++;
            }
            if (digits >= MinTextDigits && (j == text.Length || !char.IsAsciiLetterOrDigit(text[j]))) return true;
            i = j;
        }
        return false;
    }

    /// <summary>An IBAN: country letters, check digits, 11-30 letters or digits, and a valid mod-97 checksum (ISO 13616).</summary>
    public static bool IsIban(string value)
    {
        if (value.Length is < 15 or > 34) return false;
        if (!char.IsAsciiLetter(value[0]) || !char.IsAsciiLetter(value[1]) || !char.IsAsciiDigit(value[2]) || !char.IsAsciiDigit(value[3]))
            return false;
        var remainder = 0;
        // The first four characters move to the end; letters count as 10-35.
        for (var i = 0; i < value.Length; i++)
        {
            var c = char.ToUpperInvariant(value[(i + 4) % value.Length]);
            if (char.IsAsciiDigit(c)) remainder = (remainder * 10 + (c - '0')) % 97;
            else if (c is >= 'A' and <= 'Z') remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
            else return false;
        }
        return remainder == 1;
    }
}
