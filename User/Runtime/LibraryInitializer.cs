namespace Internal.Runtime.CompilerHelpers;

/// <summary>
/// ilc calls InitializeLibrary of each --initassembly (CoreLib first, then this runtime) from __managed__Main,
/// after CoreLib's own initialisation and before Main: the moment the process heap and Console are set up.
/// </summary>
internal static class LibraryInitializer
{
    public static void InitializeLibrary() => MemOS.User.Runtime.ProcessStart.Start();
}
