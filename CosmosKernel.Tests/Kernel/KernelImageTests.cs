using System.IO;
using NUnit.Framework;

namespace MemOS.Tests.Kernel;

public class KernelImageTests
{
    [Test]
    public void The_repository_root_is_the_folder_with_the_solution()
    {
        string root = KernelImage.FindRepositoryRoot(TestContext.CurrentContext.TestDirectory);
        Assert.That(File.Exists(Path.Combine(root, KernelImage.SolutionFile)), Is.True);
    }

    [Test]
    public void No_solution_above_is_a_clear_error()
        => Assert.That(() => KernelImage.FindRepositoryRoot("/"),
            Throws.TypeOf<DirectoryNotFoundException>().With.Message.Contains("MEMOS_KERNEL_DIR"));

    [Test]
    public void The_kernel_image_is_found_from_the_test_assembly_because_dotnet_test_builds_it()
    {
        KernelImage image = KernelImage.Locate();
        Assert.That(File.Exists(image.RequireFlatImage()), Is.True);
        Assert.That(File.Exists(image.RequireElf()), Is.True);
    }
}
