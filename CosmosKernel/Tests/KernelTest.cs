using System;

namespace MemOS.Kernel.Tests;

/// <summary>One in-kernel test: a name and a check that returns null on success or the reason it failed.</summary>
internal readonly record struct KernelTest(string Name, Func<string?> Check);
