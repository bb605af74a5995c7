using System.Runtime;

namespace MemOS.Core.Exceptions;

/// <summary>One function's entry in .eh_frame: its code range, its LSDA (ilc's unwind block in .dotnet_eh_table)
/// and its CFI program (the CIE's initial instructions, then the FDE's).</summary>
internal unsafe struct FunctionEntry
{
    public ulong Start;
    public ulong End;
    public byte* Lsda;
    public byte* CieInstructions;
    public byte* CieInstructionsEnd;
    public byte* Instructions;
    public byte* InstructionsEnd;
    public long DataAlignment;
    public ulong CodeAlignment;
}

/// <summary>
/// Finds the .eh_frame entry covering a code address through the sorted table the linker builds
/// (`ld --eh-frame-hdr`: pairs of {function start, FDE} relative to the header), and decodes that entry.
/// Anything outside the table (asm, interrupt stubs, the boot code) has no entry: the unwinder stops there.
/// </summary>
internal static unsafe class EhFrameTable
{
    private const byte EncodingPcRelSData4 = 0x1B;
    private const byte EncodingUData4 = 0x03;
    private const byte EncodingDataRelSData4 = 0x3B;

    private static byte* s_header;
    private static int* s_table;
    private static int s_count;

    private static bool Load()
    {
        if (s_table != null) return true;
        byte* header = EhFrameHeader();
        if (header == null || header[0] != 1) return false;
        if (header[1] != EncodingPcRelSData4 || header[2] != EncodingUData4 || header[3] != EncodingDataRelSData4)
            return false;
        s_header = header;
        s_count = *(int*)(header + 8);
        s_table = (int*)(header + 12);
        return true;
    }

    /// <summary>The entry whose range holds pc; false for code without one.</summary>
    public static bool Find(ulong pc, out FunctionEntry entry)
    {
        entry = default;
        if (!Load() || s_count == 0) return false;
        long target = (long)(pc - (ulong)s_header);
        int low = 0, high = s_count - 1, found = -1;
        while (low <= high)
        {
            int mid = (low + high) >> 1;
            if (s_table[mid * 2] <= target) { found = mid; low = mid + 1; }
            else high = mid - 1;
        }
        if (found < 0) return false;
        byte* fde = s_header + s_table[found * 2 + 1];
        return Decode(fde, out entry) && pc >= entry.Start && pc < entry.End;
    }

    private static bool Decode(byte* fde, out FunctionEntry entry)
    {
        entry = default;
        uint length = *(uint*)fde;
        if (length == 0 || length == 0xFFFFFFFF) return false;
        byte* end = fde + 4 + length;
        byte* cie = fde + 4 - *(uint*)(fde + 4);
        if (!DecodeCie(cie, ref entry, out byte lsdaEncoding)) return false;
        byte* p = fde + 8;
        entry.Start = (ulong)(p + *(int*)p);
        entry.End = entry.Start + *(uint*)(p + 4);
        p += 8;
        ulong augmentationLength = Leb128.Unsigned(ref p);
        byte* instructions = p + augmentationLength;
        if (augmentationLength >= 4 && lsdaEncoding == EncodingPcRelSData4 && *(int*)p != 0)
            entry.Lsda = p + *(int*)p;
        entry.Instructions = instructions;
        entry.InstructionsEnd = end;
        return true;
    }

    // CIE: length, id 0, version, augmentation "zLR", code and data alignment, return column, augmentation data.
    private static bool DecodeCie(byte* cie, ref FunctionEntry entry, out byte lsdaEncoding)
    {
        lsdaEncoding = 0xFF;
        uint length = *(uint*)cie;
        byte* end = cie + 4 + length;
        if (*(uint*)(cie + 4) != 0 || cie[8] != 1) return false;
        byte* augmentation = cie + 9;
        byte* p = augmentation;
        while (*p != 0) p++;
        p++;
        entry.CodeAlignment = Leb128.Unsigned(ref p);
        entry.DataAlignment = Leb128.Signed(ref p);
        p++; // return address column (16)
        if (augmentation[0] == (byte)'z')
        {
            ulong dataLength = Leb128.Unsigned(ref p);
            byte* data = p;
            for (byte* a = augmentation + 1; *a != 0; a++)
            {
                if (*a == (byte)'L') lsdaEncoding = *data++;
                else if (*a == (byte)'R') data++;
                else if (*a != (byte)'S') return false; // a personality routine ('P') is not something ilc emits
            }
            p += dataLength;
        }
        entry.CieInstructions = p;
        entry.CieInstructionsEnd = end;
        return true;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.InternalCall)]
    [RuntimeImport("*", "memos_eh_frame_hdr")]
    private static extern byte* EhFrameHeader();
}
