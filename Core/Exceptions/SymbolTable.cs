using System.Runtime;
using System.Runtime.CompilerServices;

namespace MemOS.Core.Exceptions;

/// <summary>
/// The image's own symbol table (section .memos_symbols, written at build time by MemOS.Build from the first link):
/// code address → `Namespace.Type.Method` and MethodTable → `Namespace.Type`. Lookups allocate nothing, so the
/// panic screen can use them. An image linked without the table (start == end) simply has no names.
/// </summary>
public static unsafe class SymbolTable
{
    private const uint Magic = 0x4D59534D; // "MSYM"

    private static byte* Table
    {
        get
        {
            byte* start = Bounds(out byte* end);
            return end - start >= 16 && *(uint*)start == Magic ? start : null;
        }
    }

    /// <summary>The function holding address: its NUL-terminated name and the offset into it.</summary>
    public static bool TryFindCode(ulong address, out byte* name, out ulong offset)
        => TryFindCode(Table, address, out name, out offset);

    /// <summary>
    /// The same lookup in another image's table of <paramref name="length"/> bytes (the kernel naming a process's
    /// code from its program file): false unless the table is whole (magic, rows and names inside the length).
    /// </summary>
    public static bool TryFindCodeIn(byte* table, ulong length, ulong address, out byte* name, out ulong offset)
    {
        name = null;
        offset = 0;
        if (table == null || length < 16 || *(uint*)table != Magic) return false;
        ulong rows = 16 + ((ulong)*(uint*)(table + 4) + *(uint*)(table + 8)) * 16;
        ulong strings = *(uint*)(table + 12);
        if (rows + strings > length || !TryFindCode(table, address, out name, out offset)) return false;
        byte* names = Strings(table);
        for (ulong i = (ulong)(name - names); i < strings; i++)
            if (names[i] == 0) return true; // the name ends inside the table
        name = null;
        return false;
    }

    private static bool TryFindCode(byte* table, ulong address, out byte* name, out ulong offset)
    {
        name = null;
        offset = 0;
        if (table == null) return false;
        uint count = *(uint*)(table + 4);
        byte* rows = table + 16;
        int low = 0, high = (int)count - 1, found = -1;
        while (low <= high)
        {
            int mid = (low + high) >> 1;
            if (*(ulong*)(rows + mid * 16) <= address) { found = mid; low = mid + 1; }
            else high = mid - 1;
        }
        if (found < 0) return false;
        byte* row = rows + found * 16;
        ulong start = *(ulong*)row;
        if (address >= start + *(uint*)(row + 8)) return false;
        name = Strings(table) + *(uint*)(row + 12);
        offset = address - start;
        return true;
    }

    /// <summary>The name of the type whose MethodTable is at address, or null.</summary>
    public static byte* TypeName(void* methodTable)
    {
        byte* table = Table;
        if (table == null) return null;
        uint codeCount = *(uint*)(table + 4), count = *(uint*)(table + 8);
        byte* rows = table + 16 + codeCount * 16;
        int low = 0, high = (int)count - 1;
        while (low <= high)
        {
            int mid = (low + high) >> 1;
            ulong a = *(ulong*)(rows + mid * 16);
            if (a == (ulong)methodTable) return Strings(table) + *(uint*)(rows + mid * 16 + 8);
            if (a < (ulong)methodTable) low = mid + 1;
            else high = mid - 1;
        }
        return null;
    }

    /// <summary>`Namespace.Type.Method+0xOFFSET`, or the bare address in hex.</summary>
    public static string Describe(ulong address)
    {
        if (!TryFindCode(address, out byte* name, out ulong offset)) return "0x" + address.ToString("x");
        return new string((sbyte*)name) + "+0x" + offset.ToString("x");
    }

    private static byte* Strings(byte* table)
        => table + 16 + *(uint*)(table + 4) * 16 + *(uint*)(table + 8) * 16;

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_symbol_table")]
    private static extern byte* Bounds(out byte* end);
}
