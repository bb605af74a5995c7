using System;

namespace MemOS.Tests.Kernel;

/// <summary>
/// Splits shell output at the prompt. The prompt (<see cref="SerialProtocol.Prompt"/>) has no newline after it, so
/// "the command's output is complete" means "the text received so far ends with the prompt". A prompt at the start
/// of a line is taken at once; one in the middle of a line (a command whose output did not end its last line), or
/// followed by more text, is taken only once the kernel has been quiet for a moment.
/// </summary>
public static class ShellPrompt
{
    /// <summary>
    /// Takes the response that the prompt in <paramref name="pending"/> ends. <paramref name="quiet"/>: no output has
    /// arrived for a while, so the last prompt seen is the one waiting for input even if it is not at a line start.
    /// </summary>
    /// <param name="pending">Text received since the previous prompt.</param>
    /// <param name="quiet">True once the kernel has printed nothing for the quiet period.</param>
    /// <param name="response">The text before the prompt (echo and output, raw).</param>
    /// <param name="rest">Text after the prompt (normally empty), to keep for the next response.</param>
    public static bool TryTakeResponse(string pending, bool quiet, out string response, out string rest)
    {
        string prompt = SerialProtocol.Prompt;
        if (pending.EndsWith(prompt, StringComparison.Ordinal))
        {
            int at = pending.Length - prompt.Length;
            if (at == 0 || pending[at - 1] is '\n' or '\r' || quiet)
            {
                response = pending[..at];
                rest = "";
                return true;
            }
        }
        else if (quiet)
        {
            int at = pending.LastIndexOf(prompt, StringComparison.Ordinal);
            if (at >= 0)
            {
                response = pending[..at];
                rest = pending[(at + prompt.Length)..];
                return true;
            }
        }
        response = "";
        rest = pending;
        return false;
    }

    /// <summary>
    /// Makes a raw response readable: CRLF (and a lone CR before LF) become LF, the echo of
    /// <paramref name="echoedCommand"/> (the first line, if it is exactly the command) is removed, and so is the
    /// line break that ends the output just before the prompt.
    /// </summary>
    public static string Clean(string raw, string? echoedCommand)
    {
        string text = raw.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (echoedCommand is not null)
        {
            int nl = text.IndexOf('\n', StringComparison.Ordinal);
            string first = (nl < 0 ? text : text[..nl]).TrimEnd('\r', ' ');
            if (first == echoedCommand.TrimEnd(' ')) text = nl < 0 ? "" : text[(nl + 1)..];
        }
        if (text.EndsWith('\n')) text = text[..^1];
        return text;
    }
}
