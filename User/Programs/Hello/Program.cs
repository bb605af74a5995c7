using System;

/// <summary>The smallest MemOS program: a line on the console and exit status 0.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        Console.WriteLine("Hello from a MemOS process!");
        return 0;
    }
}
