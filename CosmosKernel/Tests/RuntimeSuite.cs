using System;
using System.Collections.Generic;
using System.Text;

namespace MemOS.Kernel.Tests;

/// <summary>
/// The runtime suite: what C# needs from MemOS's runtime, exercised on the metal — objects, virtual and interface
/// dispatch (eight implementations, so ilc cannot devirtualise), generics, formatting, collections, statics and
/// class constructors, lock, stackalloc and Span.
/// </summary>
internal static class RuntimeSuite
{
    public static List<KernelTest> Tests() =>
    [
        new("objects_and_fields", Objects),
        new("virtual_dispatch", VirtualDispatch),
        new("interface_dispatch_8_implementations", InterfaceDispatch),
        new("interface_dispatch_cache_repeats", InterfaceDispatchRepeats),
        new("generic_types_and_methods", Generics),
        new("string_formatting", StringFormatting),
        new("string_builder_and_concat", StringBuilding),
        new("list", Lists),
        new("dictionary", Dictionaries),
        new("statics_and_cctors", StaticsAndCctors),
        new("lock", Locking),
        new("object_header_stays_in_its_block", ObjectHeaderStaysInItsBlock),
        new("stackalloc_and_span", StackallocAndSpan),
        new("arrays_multi_and_jagged", Arrays),
        new("boxing_and_casts", BoxingAndCasts),
        new("delegates_and_lambdas", Delegates),
        new("structs_and_records", StructsAndRecords),
        new("integer_and_float_math", Math64),
        new("stopwatch_advances", StopwatchAdvances),
        new("plug_replaces_corelib_method", PlugReplacesCoreLibMethod),
    ];

    private static string? Expect<T>(T actual, T expected, string what)
        => EqualityComparer<T>.Default.Equals(actual, expected) ? null : $"{what}: expected {expected}, got {actual}";

    private sealed class Node(int value, Node? next)
    {
        public int Value = value;
        public Node? Next = next;
    }

    private static string? Objects()
    {
        Node? list = null;
        for (int i = 1; i <= 100; i++) list = new Node(i, list);
        int sum = 0, count = 0;
        for (Node? n = list; n != null; n = n.Next) { sum += n.Value; count++; }
        return Expect(sum, 5050, "sum over 100 linked objects") ?? Expect(count, 100, "count");
    }

    private abstract class Shape { public abstract double Area(); public virtual string Kind => "shape"; }
    private sealed class Square(double side) : Shape
    {
        public override double Area() => side * side;
        public override string Kind => "square";
    }
    private sealed class Rect(double w, double h) : Shape { public override double Area() => w * h; }
    private sealed class Tri(double b, double h) : Shape
    {
        public override double Area() => b * h / 2;
        public override string Kind => "triangle";
    }

    private static string? VirtualDispatch()
    {
        Shape[] shapes = [new Square(3), new Rect(2, 5), new Tri(4, 3)];
        double total = 0;
        var kinds = new StringBuilder();
        foreach (Shape s in shapes) { total += s.Area(); kinds.Append(s.Kind).Append(','); }
        return Expect(total, 25.0, "total area") ?? Expect(kinds.ToString(), "square,shape,triangle,", "kinds");
    }

    private interface IOperation { int Apply(int x); string Name { get; } }
    private sealed class Add1 : IOperation { public int Apply(int x) => x + 1; public string Name => "add1"; }
    private sealed class Mul2 : IOperation { public int Apply(int x) => x * 2; public string Name => "mul2"; }
    private sealed class Sub3 : IOperation { public int Apply(int x) => x - 3; public string Name => "sub3"; }
    private sealed class Neg : IOperation { public int Apply(int x) => -x; public string Name => "neg"; }
    private sealed class Sq : IOperation { public int Apply(int x) => x * x; public string Name => "sq"; }
    private sealed class Half : IOperation { public int Apply(int x) => x / 2; public string Name => "half"; }
    private sealed class Mod7 : IOperation { public int Apply(int x) => x % 7; public string Name => "mod7"; }
    private sealed class Xor5 : IOperation { public int Apply(int x) => x ^ 5; public string Name => "xor5"; }
    private sealed class Abs : IOperation { public int Apply(int x) => x < 0 ? -x : x; public string Name => "abs"; }

    private static IOperation[] Operations()
        => [new Add1(), new Mul2(), new Sub3(), new Neg(), new Sq(), new Half(), new Mod7(), new Xor5(), new Abs()];

    private static string? InterfaceDispatch()
    {
        int x = 10;
        var names = new StringBuilder();
        foreach (IOperation op in Operations()) { x = op.Apply(x); names.Append(op.Name).Append(' '); }
        // 10 → 11 → 22 → 19 → -19 → 361 → 180 → 5 → 0 → 0
        return Expect(x, 0, "result of nine interface calls")
            ?? Expect(names.ToString(), "add1 mul2 sub3 neg sq half mod7 xor5 abs ", "names");
    }

    private static string? InterfaceDispatchRepeats()
    {
        IOperation[] ops = Operations();
        long total = 0;
        for (int round = 0; round < 2000; round++)
            foreach (IOperation op in ops) total += op.Apply(round);
        long expected = 0;
        for (int round = 0; round < 2000; round++)
            expected += (round + 1) + round * 2 + (round - 3) - round + round * round + round / 2 + round % 7
                + (round ^ 5) + round;
        return Expect(total, expected, "18,000 cached interface calls");
    }

    private sealed class Box<T>(T value) { public T Value => value; public Box<(T, T)> Pair() => new((value, value)); }
    private static T Max<T>(T a, T b) where T : IComparable<T> => a.CompareTo(b) >= 0 ? a : b;

    private static string? Generics()
    {
        var b = new Box<string>("mem").Pair();
        return Expect(b.Value.Item1 + b.Value.Item2, "memmem", "generic pair")
            ?? Expect(Max(3, 7), 7, "Max<int>") ?? Expect(Max("os", "mem"), "os", "Max<string>")
            ?? Expect(Max(2.5, -1.0), 2.5, "Max<double>");
    }

    private static string? StringFormatting()
    {
        string s = $"{42} 0x{255:x} {3.5} {-17,5}|{"pad",-5}| {ulong.MaxValue} {1234567:N0} {0.128:F2}";
        return Expect(s, "42 0xff 3.5   -17|pad  | 18446744073709551615 1,234,567 0.13", "interpolation")
            ?? Expect(string.Format("{0}-{1}", "a", 7), "a-7", "string.Format")
            ?? Expect(int.TryParse("-123", out int v) && v == -123, true, "int.TryParse")
            ?? Expect(ulong.TryParse("ffff", System.Globalization.NumberStyles.HexNumber, null, out ulong h) ? h : 0,
                0xFFFFUL, "hex parse");
    }

    private static string? StringBuilding()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < 200; i++) sb.Append(i % 10);
        string s = sb.ToString();
        return Expect(s.Length, 200, "length") ?? Expect(s[..12], "012345678901", "prefix")
            ?? Expect(string.Concat("a", "b", "c") + string.Join("/", ["x", "y"]), "abcx/y", "concat/join")
            ?? Expect("Hello MemOS".ToUpperInvariant().Replace("MEMOS", "kernel").Split(' ')[1], "kernel",
                "upper/replace/split");
    }

    private static string? Lists()
    {
        var list = new List<int>();
        for (int i = 0; i < 1000; i++) list.Add(999 - i);
        list.Sort();
        list.RemoveAll(x => x % 2 == 1);
        return Expect(list.Count, 500, "count after RemoveAll") ?? Expect(list[250], 500, "sorted element")
            ?? Expect(list.IndexOf(998), 499, "IndexOf") ?? Expect(list.Contains(7), false, "Contains");
    }

    private static string? Dictionaries()
    {
        var d = new Dictionary<string, int>();
        for (int i = 0; i < 500; i++) d[$"key{i}"] = i * i;
        d.Remove("key3");
        int sum = 0;
        foreach (var pair in d) sum += pair.Value % 10;
        return Expect(d.Count, 499, "count") ?? Expect(d.TryGetValue("key20", out int v) ? v : -1, 400, "lookup")
            ?? Expect(d.ContainsKey("key3"), false, "removed key") ?? Expect(sum > 0, true, "enumeration");
    }

    private static class Lazy
    {
        public static readonly int[] Table = Build();
        public static int Built;
        private static int[] Build() { Built++; return [1, 2, 3]; }
    }
    private static class WithCctor
    {
        public static int Value;
        public static int Runs;
        static WithCctor() { Runs++; Value = Environment.TickCount64 >= 0 ? 41 : 0; Value++; }
    }

    private static string? StaticsAndCctors()
    {
        int first = WithCctor.Value, again = WithCctor.Value;
        return Expect(first + again, 84, "cctor result") ?? Expect(WithCctor.Runs, 1, "cctor ran once")
            ?? Expect(Lazy.Table.Length + Lazy.Table.Length, 6, "static readonly")
            ?? Expect(Lazy.Built, 1, "initialiser ran once");
    }

    private static readonly object s_gate = new();
    private static int s_counter;

    private static string? Locking()
    {
        for (int i = 0; i < 1000; i++) { lock (s_gate) { s_counter++; } }
        var gate = new System.Threading.Lock();
        using (gate.EnterScope()) s_counter++;
        return Expect(s_counter, 1001, "counter under lock");
    }

    // lock and GetHashCode write the header word below an object; for the first object of a slab that word is the
    // slab header's list link, for a medium block the block's seal, unless the object starts one word into its block.
    private static string? ObjectHeaderStaysInItsBlock()
    {
        var objects = new List<object>();
        int hashes = 0;
        for (int i = 0; i < 200; i++)
        {
            object o = (i % 4) switch
            {
                0 => new object(),
                1 => new byte[24 + i],
                2 => new byte[2000 + 40 * i], // medium blocks: a header (size, seal) right below the payload
                _ => new Node(i, null),
            };
            lock (o) { hashes += System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(o) != 0 ? 1 : 0; }
            objects.Add(o);
        }
        Memory.MemoryError check = MemoryManagement.KernelMemory.Current!.Heap.Check();
        GC.KeepAlive(objects);
        return check == Memory.MemoryError.None ? Expect(hashes > 190, true, "non-zero hash codes")
            : $"heap check after lock and GetHashCode on 200 objects: {check}";
    }

    private static string? StackallocAndSpan()
    {
        Span<int> numbers = stackalloc int[64];
        for (int i = 0; i < numbers.Length; i++) numbers[i] = i;
        Span<int> tail = numbers[32..];
        tail.Reverse();
        int sum = 0;
        foreach (int n in numbers[..8]) sum += n;
        ReadOnlySpan<char> text = "memory management".AsSpan();
        return Expect(tail[0], 63, "reversed slice") ?? Expect(sum, 28, "span sum")
            ?? Expect(text.IndexOf("manage".AsSpan()), 7, "span search")
            ?? Expect(text[..6].SequenceEqual("memory"), true, "span equality");
    }

    private static string? Arrays()
    {
        int[,] grid = new int[4, 5];
        for (int r = 0; r < 4; r++) for (int c = 0; c < 5; c++) grid[r, c] = r * c;
        int[][] jagged = [[1], [2, 3], [4, 5, 6]];
        var copy = new int[3];
        Array.Copy(jagged[2], copy, 3);
        Array.Sort(copy, (a, b) => b - a);
        return Expect(grid[3, 4], 12, "2D array") ?? Expect(jagged[2][1] + jagged.Length, 8, "jagged")
            ?? Expect(copy[0], 6, "Array.Sort");
    }

    private static string? BoxingAndCasts()
    {
        object boxed = 42;
        object s = "str";
        IComparable c = 5;
        return Expect(boxed is int i && i == 42, true, "unbox") ?? Expect(s as string, "str", "as string")
            ?? Expect(boxed is string, false, "type test") ?? Expect(c.CompareTo(4), 1, "boxed interface call")
            ?? Expect(boxed.Equals(42) && boxed.GetHashCode() == 42, true, "boxed virtual calls");
    }

    private static string? Delegates()
    {
        int captured = 10;
        Func<int, int> addCaptured = x => x + captured;
        Func<int, int> twice = x => addCaptured(addCaptured(x));
        Action<int> set = v => captured = v;
        set(1);
        var handlers = new List<Func<int, int>> { x => x + 1, x => x * 3, twice };
        int y = 2;
        foreach (var h in handlers) y = h(y);
        return Expect(y, 11, "delegate chain with a closure");
    }

    private readonly record struct Frame(ulong Number, bool Used);
    private record Region(string Name, ulong Size);

    private static string? StructsAndRecords()
    {
        var a = new Frame(7, true);
        var b = a with { Used = false };
        var r = new Region("heap", 4096);
        return Expect(a == new Frame(7, true), true, "record struct equality")
            ?? Expect(b.Used, false, "with-expression")
            ?? Expect(r.ToString(), "Region { Name = heap, Size = 4096 }", "record ToString");
    }

    private static string? Math64()
    {
        ulong big = 0xFFFF_FFFF_FFFF_FFFF;
        UInt128 product = (UInt128)big * 3;
        double root = Math.Sqrt(2.0);
        return Expect((ulong)(product >> 64), 2UL, "128-bit multiply")
            ?? Expect(Math.Round(root * 1000), 1414.0, "sqrt")
            ?? Expect(System.Numerics.BitOperations.TrailingZeroCount(4096UL), 12, "bit operations")
            ?? Expect(-7 / 2, -3, "signed division")
            ?? Expect($"{Math.Ceiling(2.1)} {Math.Floor(-2.5)} {Math.Ceiling(-0.5)} {Math.Floor(7.0)}", "3 -3 -0 7",
                "ceiling and floor");
    }

    private static string? StopwatchAdvances()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Hardware.Timer.Sleep(5);
        long ms = watch.ElapsedMilliseconds;
        return ms >= 4 && ms < 1000 ? null : $"Stopwatch measured {ms} ms over a 5 ms sleep";
    }

    // Plugs/EnvironmentPlug.cs: CoreLib's Unix MachineName calls gethostname, which MemOS's PAL lacks (without the
    // plug the kernel does not link); the build-time patcher makes CoreLib's getter call the plug instead.
    private static string? PlugReplacesCoreLibMethod()
        => Expect(Environment.MachineName, "memos", "Environment.MachineName (plugged by EnvironmentPlug)");
}
