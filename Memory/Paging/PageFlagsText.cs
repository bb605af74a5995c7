using System.Text;

namespace MemOS.Memory.Paging;

/// <summary>Flags as the shell prints them ("P W U NX ..."). Reporting path only: allocates.</summary>
public static class PageFlagsText
{
    public static string Describe(PageFlags flags)
    {
        var sb = new StringBuilder();
        Add(sb, flags, PageFlags.Present, "P");
        Add(sb, flags, PageFlags.Writable, "W");
        Add(sb, flags, PageFlags.User, "U");
        Add(sb, flags, PageFlags.WriteThrough, "PWT");
        Add(sb, flags, PageFlags.CacheDisable, "PCD");
        Add(sb, flags, PageFlags.Accessed, "A");
        Add(sb, flags, PageFlags.Dirty, "D");
        Add(sb, flags, PageFlags.HugePage, "PS");
        Add(sb, flags, PageFlags.Global, "G");
        Add(sb, flags, PageFlags.NoExecute, "NX");
        return sb.Length == 0 ? "-" : sb.ToString();
    }

    private static void Add(StringBuilder sb, PageFlags flags, PageFlags bit, string name)
    {
        if ((flags & bit) == 0) return;
        if (sb.Length > 0) sb.Append(' ');
        sb.Append(name);
    }
}
