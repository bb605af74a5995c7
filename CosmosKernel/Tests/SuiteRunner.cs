using System;
using System.Collections.Generic;
using MemOS.Kernel.Hardware;

namespace MemOS.Kernel.Tests;

/// <summary>
/// Runs an in-kernel suite for the host test runner: one line per test ("[test] NAME PASS",
/// "[test] NAME FAIL: reason" or "[test] NAME SKIP: reason"; a check that throws fails with the exception), a
/// summary line, then QEMU exits through isa-debug-exit (status 1 nothing failed, 3 otherwise).
/// </summary>
internal static class SuiteRunner
{
    public static void RunAndExit(string name)
    {
        List<KernelTest>? tests = name switch
        {
            "smoke" => SmokeSuite.Tests(),
            "runtime" => RuntimeSuite.Tests(),
            "memory" => MemorySuite.Tests(),
            "oom" => OutOfMemorySuite.Tests(),
            "overflow" => StackOverflowProbe.Tests(),
            "exceptions" => ExceptionSuite.Tests(),
            "processes" => ProcessSuite.Tests(),
            "gc" => CollectorSuite.Tests(),
            _ => null,
        };
        if (tests == null)
        {
            Console.WriteLine($"[suite] {name} done: 0 passed, 1 failed, 0 skipped (no suite named '{name}')");
            Machine.Exit(1);
            return;
        }
        int passed = 0, failed = 0, skipped = 0;
        foreach (KernelTest test in tests)
        {
            string? notApplicable = test.NotApplicable?.Invoke();
            if (notApplicable != null)
            {
                skipped++;
                Console.WriteLine($"[test] {test.Name} SKIP: {notApplicable}");
                continue;
            }
            string? reason;
            try { reason = test.Check(); }
            catch (Exception e) { reason = "threw " + Core.Exceptions.ExceptionText.Describe(e); }
            if (reason == null) { passed++; Console.WriteLine($"[test] {test.Name} PASS"); }
            else { failed++; Console.WriteLine($"[test] {test.Name} FAIL: {reason}"); }
        }
        Console.WriteLine($"[suite] {name} done: {passed} passed, {failed} failed, {skipped} skipped");
        Machine.Exit(failed == 0 ? (byte)0 : (byte)1);
    }
}
