using System;
using System.Runtime;

namespace MemOS.Core;

/// <summary>
/// Module registration for CoreLib's InitializeModules: ilc's ReadyToRun header is the type manager, and its
/// section table is scanned for the sections CoreLib asks for.
/// </summary>
internal static unsafe class ModuleRegistry
{
    private const uint ReadyToRunMagic = 0x00525452; // "RTR\0"

    private static IntPtr* s_classlibFunctions;
    private static int s_classlibFunctionCount;

    /// <summary>The classlib callbacks (exception helpers and the like) CoreLib registered.</summary>
    internal static IntPtr ClasslibFunction(int id)
        => id >= 0 && id < s_classlibFunctionCount ? s_classlibFunctions[id] : IntPtr.Zero;

    [RuntimeExport("RhpRegisterOsModule")]
    private static IntPtr RegisterOsModule(IntPtr osModule) => osModule == IntPtr.Zero ? (IntPtr)1 : osModule;

    // The TypeManagerHandle is the header pointer itself.
    [RuntimeExport("RhpCreateTypeManager")]
    private static IntPtr CreateTypeManager(IntPtr osModule, IntPtr moduleHeader, IntPtr* classlibFunctions, int count)
    {
        if (*(uint*)moduleHeader != ReadyToRunMagic)
            RuntimeFatal.Stop("module registration", "ReadyToRun header magic is wrong");
        s_classlibFunctions = classlibFunctions;
        s_classlibFunctionCount = count;
        return moduleHeader;
    }

    // Header: magic, ushort major, ushort minor, uint flags, ushort count, byte entrySize, byte entryType,
    // then rows { int id; int flags; void* start; void* end }.
    [RuntimeExport("RhpGetModuleSection")]
    private static IntPtr GetModuleSection(IntPtr* typeManager, int sectionId, int* length)
    {
        byte* header = (byte*)*typeManager;
        int count = *(ushort*)(header + 12);
        int entrySize = header[14];
        byte* row = header + 16;
        for (int i = 0; i < count; i++, row += entrySize)
        {
            if (*(int*)row != sectionId) continue;
            byte* start = *(byte**)(row + 8);
            byte* end = *(byte**)(row + 16);
            *length = (int)(end - start);
            return (IntPtr)start;
        }
        *length = 0;
        return IntPtr.Zero;
    }

    // String literals and preinitialised objects live in the image, never freed; the collector traces their fields.
    [RuntimeExport("RhRegisterFrozenSegment")]
    private static IntPtr RegisterFrozenSegment(void* start, nuint allocSize, nuint commitSize, nuint reservedSize)
        => MarkSweepCollector.AddFrozenSegment((ulong)start, allocSize) ? (IntPtr)start : IntPtr.Zero;

    [RuntimeExport("RhUpdateFrozenSegment")]
    private static void UpdateFrozenSegment(IntPtr segment, void* allocated, void* committed) { }

    [RuntimeExport("RhRegisterInlinedThreadStaticRoot")]
    private static void RegisterInlinedThreadStaticRoot(void* root, IntPtr typeManager)
    {
        if (!MarkSweepCollector.AddThreadStaticRoot((ulong)root))
            RuntimeFatal.Stop("thread-static roots", "more thread-static roots than the collector's table holds");
    }

    [RuntimeExport("RhGetOSModuleFromPointer")]
    private static IntPtr GetOSModuleFromPointer(IntPtr pointer) => (IntPtr)1;

    [RuntimeExport("RhGetModuleFileName")]
    private static int GetModuleFileName(IntPtr module, byte** name)
    {
        *name = null;
        return 0;
    }
}
