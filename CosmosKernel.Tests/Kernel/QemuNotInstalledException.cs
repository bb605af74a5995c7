using System;

namespace MemOS.Tests.Kernel;

/// <summary>qemu-system-x86_64 is not on this machine: the message says how to install it.</summary>
public sealed class QemuNotInstalledException : Exception
{
    public QemuNotInstalledException()
        : base($"{QemuProcess.ExecutableName} was not found (searched ${QemuProcess.QemuPathVariable} and PATH). "
               + "Install it with `./memos setup` (or `sudo apt-get install qemu-system-x86`).")
    {
    }
}
