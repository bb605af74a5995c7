using System;
using System.Collections.Generic;
using System.Globalization;

namespace MemOS.Kernel.Shell;

/// <summary>
/// A command line split into words (double quotes group words), with checked parsers for what commands take:
/// counts, sizes with K/M/G suffixes, 0x-hex or decimal numbers and addresses, and --flags.
/// </summary>
internal sealed class Arguments
{
    private readonly List<string> _words;

    private Arguments(List<string> words) => _words = words;

    public int Count => _words.Count;
    public string this[int index] => index < _words.Count ? _words[index] : "";

    public static Arguments Parse(string text)
    {
        var words = new List<string>();
        var current = new System.Text.StringBuilder();
        bool quoted = false, any = false;
        foreach (char c in text)
        {
            if (c == '"') { quoted = !quoted; any = true; continue; }
            if (!quoted && (c == ' ' || c == '\t'))
            {
                if (any) { words.Add(current.ToString()); current.Clear(); any = false; }
                continue;
            }
            current.Append(c);
            any = true;
        }
        if (any) words.Add(current.ToString());
        return new Arguments(words);
    }

    /// <summary>The words after the command name.</summary>
    public Arguments Rest() => new(_words.Count > 1 ? _words.GetRange(1, _words.Count - 1) : new List<string>());

    /// <summary>Removes a --flag if present and says whether it was.</summary>
    public bool TakeFlag(string flag)
    {
        int i = _words.IndexOf(flag);
        if (i < 0) return false;
        _words.RemoveAt(i);
        return true;
    }

    /// <summary>Removes "--name VALUE"; value is null when absent; false when the value is missing.</summary>
    public bool TakeOption(string name, out string? value)
    {
        value = null;
        int i = _words.IndexOf(name);
        if (i < 0) return true;
        if (i + 1 >= _words.Count) return false;
        value = _words[i + 1];
        _words.RemoveRange(i, 2);
        return true;
    }

    /// <summary>The first word starting with "--" (an option nobody took), or null.</summary>
    public string? UnknownOption()
    {
        foreach (string w in _words) if (w.StartsWith("--", StringComparison.Ordinal)) return w;
        return null;
    }

    /// <summary>Decimal or 0x-hex, no sign, no overflow.</summary>
    public static bool TryParseNumber(string text, out ulong value)
    {
        value = 0;
        ReadOnlySpan<char> s = text;
        if (s.Length > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
            return s.Length <= 18
                && ulong.TryParse(s[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        foreach (char c in s) if (c < '0' || c > '9') return false;
        return s.Length > 0 && ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A byte count: a number with an optional K, M or G suffix (binary units).</summary>
    public static bool TryParseSize(string text, out ulong bytes)
    {
        bytes = 0;
        if (text.Length == 0) return false;
        ulong multiplier = 1;
        char last = char.ToUpperInvariant(text[^1]);
        if (last == 'K' || last == 'M' || last == 'G')
        {
            if (text.Length > 1 && (text[^2] == 'i' || text[^2] == 'I')) return false;
            multiplier = last == 'K' ? 1024UL : last == 'M' ? 1024UL * 1024 : 1024UL * 1024 * 1024;
            text = text[..^1];
        }
        else if (text.Length > 1 && char.ToUpperInvariant(text[^1]) == 'B'
            && !text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            text = text[..^1];
        }
        if (!TryParseNumber(text, out ulong number)) return false;
        if (number > ulong.MaxValue / multiplier) return false;
        bytes = number * multiplier;
        return true;
    }

    /// <summary>An address: 0x-hex or decimal, 64 bits.</summary>
    public static bool TryParseAddress(string text, out ulong address) => TryParseNumber(text, out address);
}
