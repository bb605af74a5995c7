using System;

/// <summary>
/// `upcase`: Console.In through read(0): each line typed comes back in upper case, until end of input or a line
/// holding only "." — the console's input side of the user runtime. Exit status 0; the number of lines on fd 2.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        int lines = 0;
        string? line;
        while ((line = Console.ReadLine()) != null && line != ".")
        {
            Console.WriteLine(line.ToUpperInvariant());
            lines++;
        }
        Console.Error.WriteLine($"upcase: {lines} line(s)");
        return 0;
    }
}
