using System;

namespace MemOS.Core.Exceptions;

/// <summary>
/// The exception objects the runtime throws on managed code's behalf (a fault, a failed allocation, a failed cast),
/// by CoreLib's ExceptionIDs. CoreLib's own GetRuntimeException answers only once its reflection layer is up, which
/// MemOS does not start, so the dispatcher asks this one. Out of memory gets a preallocated object: allocating
/// would fail again.
/// </summary>
public static class RuntimeExceptions
{
    private static OutOfMemoryException? s_outOfMemory;

    /// <summary>Allocates the out-of-memory exception while allocation still works (call at startup).</summary>
    public static void Preallocate() => s_outOfMemory ??= new OutOfMemoryException();

    /// <summary>What an allocation that cannot be satisfied throws.</summary>
    public static OutOfMemoryException OutOfMemory
        => s_outOfMemory ?? throw new InvalidOperationException("out of memory before RuntimeExceptions.Preallocate");

    /// <summary>True for the preallocated out-of-memory exception (nothing about it may allocate).</summary>
    internal static bool IsPreallocated(Exception e) => ReferenceEquals(e, s_outOfMemory);

    internal static Exception? Create(int id) => id switch
    {
        1 => OutOfMemory,
        2 => new ArithmeticException(),
        3 => new ArrayTypeMismatchException(),
        4 => new DivideByZeroException(),
        5 => new IndexOutOfRangeException(),
        6 => new InvalidCastException(),
        7 => new OverflowException(),
        8 => new NullReferenceException(),
        9 => new AccessViolationException(),
        10 => new DataMisalignedException(),
        11 => new EntryPointNotFoundException(),
        12 => new System.Runtime.AmbiguousImplementationException(),
        _ => new InvalidOperationException("the runtime raised exception id " + id.ToString()),
    };
}
