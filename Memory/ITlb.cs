namespace MemOS.Memory;

/// <summary>How Memory/ asks for TLB invalidation: invlpg / CR3 reload on the metal, a counter on the host.</summary>
public interface ITlb
{
    void Invalidate(VirtualAddress page);
    void InvalidateAll();
}
