namespace MemOS.Tests.Kernel;

/// <summary>The in-kernel suite fixture's machinery, booted on a fake QEMU (so it runs without an emulator).</summary>
public sealed class FakeSuiteFixtureTests : KernelSuiteFixture
{
    public static readonly string[] Tests = ["alpha", "beta", "gamma"];

    protected override string SuiteName => "fake";

    protected override bool NeedsRealQemu => false;

    protected override BootOptions BootOptions => FakeQemu.Options(FakeQemu.Create("fixture-suite", """
        printf 'MemOS (fake)\r\n'
        for t in alpha beta gamma; do printf '[test] %s PASS\r\n' "$t"; done
        printf '[suite] fake done: 3 passed, 0 failed\r\n'
        exit 1
        """));
}
