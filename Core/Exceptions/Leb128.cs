namespace MemOS.Core.Exceptions;

/// <summary>DWARF's variable-length integers, as .eh_frame uses them.</summary>
internal static unsafe class Leb128
{
    public static ulong Unsigned(ref byte* p)
    {
        ulong result = 0;
        int shift = 0;
        byte b;
        do
        {
            b = *p++;
            if (shift < 64) result |= (ulong)(b & 0x7F) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        return result;
    }

    public static long Signed(ref byte* p)
    {
        long result = 0;
        int shift = 0;
        byte b;
        do
        {
            b = *p++;
            if (shift < 64) result |= (long)(b & 0x7F) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        if (shift < 64 && (b & 0x40) != 0) result |= -1L << shift;
        return result;
    }
}
