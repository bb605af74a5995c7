using System;

namespace MemOS.Core.Exceptions;

/// <summary>
/// Where an exception no catch wanted ends up. The kernel installs a handler that prints the panic screen; a user
/// runtime installs one that ends only its process. Without one the machine stops through RuntimeFatal.
/// </summary>
public static unsafe class UnhandledExceptions
{
    private static delegate*<Exception, void> s_handler;

    public static void SetHandler(delegate*<Exception, void> handler) => s_handler = handler;

    internal static void Report(Exception exception)
    {
        if (s_handler != null) s_handler(exception);
        RuntimeFatal.Stop("unhandled exception", exception.Message);
    }
}
