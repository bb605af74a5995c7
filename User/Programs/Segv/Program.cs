using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using MemOS.User.Runtime;

/// <summary>
/// `segv KIND` commits one violation; the kernel must kill this process alone, with a segfault line, and carry on.
/// Each kind is one instruction in violations.asm. If the process survives, it says so and exits with 1.
/// </summary>
internal static unsafe class Program
{
    private const string Usage = "usage: segv null|readonly|nx|kernel|noncanonical|ud|de";

    private static int Main(string[] args)
    {
        if (args.Length != 1)
        {
            Console.WriteLine(Usage);
            return 2;
        }
        string kind = args[0];
        switch (kind)
        {
            case "null":
                Say(kind, "read from address 0 (#PF, not present)");
                Read(0);
                break;
            case "readonly":
                ulong rodata = ImageRodata();
                Say(kind, $"write to 0x{rodata:x} in the program's read-only data (#PF, protection)");
                Write(rodata);
                break;
            case "nx":
                long page = Linux.MapAnonymousMemory(0, 4096, Linux.ProtRead | Linux.ProtWrite, false, true);
                if (page < 0) { Console.WriteLine($"segv: mmap: {Errno.Name(page)}"); return 1; }
                *(byte*)page = 0xC3; // ret: executable code, in a page without execute permission
                Say(kind, $"call 0x{page:x}, a 'ret' in a read-write page without execute (#PF, instruction fetch)");
                Call((ulong)page);
                break;
            case "kernel":
                Say(kind, "read from 0xffffffff80000000, the kernel's image (#PF, user access to a supervisor page)");
                Read(0xFFFF_FFFF_8000_0000UL);
                break;
            case "noncanonical":
                Say(kind, "read from 0x800000000000, outside both canonical halves (#GP)");
                Read(0x0000_8000_0000_0000UL);
                break;
            case "ud":
                Say(kind, "execute ud2 (#UD, invalid opcode)");
                Ud2();
                break;
            case "de":
                Say(kind, "divide by zero with idiv (#DE)");
                Divide(1, 0);
                break;
            default:
                Console.WriteLine($"segv: unknown kind '{kind}'; {Usage}");
                return 2;
        }
        Console.WriteLine($"segv: {kind}: still alive: the violation was not caught");
        return 1;
    }

    private static void Say(string kind, string what) => Console.WriteLine($"segv: {kind}: {what}");

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "segv_read")]
    private static extern ulong Read(ulong address);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "segv_write")]
    private static extern void Write(ulong address);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "segv_call")]
    private static extern void Call(ulong address);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "segv_ud2")]
    private static extern void Ud2();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "segv_divide")]
    private static extern long Divide(long a, long b);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_image_rodata")]
    private static extern ulong ImageRodata();
}
