namespace MemOS.Memory.Programs;

/// <summary>
/// One regular file of a tar archive: its name (no leading "./") and where its bytes are in the archive.
/// </summary>
public readonly record struct TarEntry(string Name, ulong Offset, ulong Size);
