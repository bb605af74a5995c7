using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using MemOS.Build;
using NUnit.Framework;

namespace MemOS.Tests.Kernel.Display;

/// <summary>
/// The framebuffer console seen as a user sees it: MemOS boots under QEMU (-kernel: the Bochs display adapter at
/// 1024x768x32), the test drives the shell over COM1 and reads the screen through QEMU's monitor (screendump), then
/// checks pixels against the console font: text where it was written, the last line after 1,000 lines of scrolling,
/// and `pmm map --draw`'s colours for the kernel image's frames and the free frames.
/// </summary>
[Category(KernelTestEnvironment.Category)]
public class FramebufferConsoleTests
{
    private const string FontPath = "/usr/share/consolefonts/Lat15-Terminus16.psf.gz";
    private const int CellWidth = 8, CellHeight = 16, Rows = 48;
    private const uint Grey = 0xAAAAAA, Black = 0x000000; // VGA colour 7 on 0: the console's default
    private const uint KernelRgb = 0x3C78FF, FreeRgb = 0x1E6E1E, CacheRgb = 0x70E070; // MemoryPicture.KindRgb
    private const uint MmioRgb = 0xE040E0, ImmediateRgb = 0x3C78FF; // AddressSpacePicture
    private static readonly uint[] ProcessRgb = [0xFF8C00, 0xFF5080, 0xA0FF40]; // MemoryPicture, first three
    private static readonly TimeSpan MonitorTimeout = TimeSpan.FromSeconds(30);

    private static (ShellSession Shell, QemuMonitor Monitor, string Socket) Boot(string commandLine = "")
    {
        KernelTestEnvironment.RequireQemu();
        string socket = QemuMonitor.NewSocketPath();
        ShellSession shell = ShellSession.Start(new BootOptions
        {
            CommandLine = commandLine,
            ExtraQemuArguments = QemuMonitor.Arguments(socket),
            Timeout = TimeSpan.FromSeconds(90),
        });
        try
        {
            return (shell, QemuMonitor.Connect(socket, MonitorTimeout), socket);
        }
        catch
        {
            shell.Dispose();
            throw;
        }
    }

    private static string DumpPath() => Path.Combine(Path.GetTempPath(), $"memos-screen-{Guid.NewGuid():N}.ppm");

    // Mismatching pixels of `text` drawn in the font at a character cell, grey on black.
    private static int Mismatches(PpmImage image, PsfFont font, int row, int column, string text, out string first)
    {
        int bad = 0;
        first = "";
        for (int i = 0; i < text.Length; i++)
            for (int y = 0; y < CellHeight; y++)
                for (int x = 0; x < CellWidth; x++)
                {
                    int px = (column + i) * CellWidth + x, py = row * CellHeight + y;
                    uint expected = font.Pixel(text[i], x, y) ? Grey : Black;
                    if (image[px, py] == expected) continue;
                    if (bad++ == 0)
                        first = $"'{text[i]}' pixel ({px},{py}) is 0x{image[px, py]:x6}, not 0x{expected:x6}";
                }
        return bad;
    }

    // The screen is refreshed when the shell waits for a key, just after the prompt reached COM1: look again briefly.
    private static PpmImage DumpUntil(QemuMonitor monitor, Func<PpmImage, bool> ready)
    {
        string path = DumpPath();
        try
        {
            PpmImage image = monitor.Screendump(path, MonitorTimeout);
            for (int i = 0; i < 50 && !ready(image); i++)
            {
                Thread.Sleep(100);
                image = monitor.Screendump(path, MonitorTimeout);
            }
            return image;
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Text_is_drawn_in_the_console_font_and_the_last_line_survives_1000_lines_of_scrolling()
    {
        PsfFont font = PsfFont.Load(FontPath);
        (ShellSession shell, QemuMonitor monitor, string socket) = Boot();
        using (shell)
        using (monitor)
        {
            string log = SerialLogText.Block(shell.SerialLog, shell.Qemu.ErrorLog);
            Assert.That(shell.BootLog, Does.Contain("console: framebuffer 1024x768x32, 128x48 characters"), log);

            shell.Run("clear");
            const string known = "MemOS framebuffer: {0123456789} AaBbQqWw";
            Assert.That(shell.Run("echo " + known), Is.EqualTo(known));
            // after clear: row 0 holds the prompt and the command, row 1 the output
            PpmImage screen = DumpUntil(monitor, i => Mismatches(i, font, 1, 0, known, out _) == 0);
            Assert.That((screen.Width, screen.Height), Is.EqualTo((1024, 768)));
            Assert.That(Mismatches(screen, font, 1, 0, known, out string firstBad), Is.Zero, firstBad);
            Assert.That(Mismatches(screen, font, 0, 0, "memos> echo MemOS", out firstBad), Is.Zero, firstBad);

            int lines = 0;
            while (lines < 1000) lines += shell.Run("help").Split('\n').Length + 1; // + the command's own line
            const string last = "the last line after scrolling";
            Assert.That(shell.Run("echo " + last), Is.EqualTo(last));
            // the prompt is on the bottom row, the output above it, the command above that
            screen = DumpUntil(monitor, i => Mismatches(i, font, Rows - 2, 0, last, out _) == 0);
            Assert.That(Mismatches(screen, font, Rows - 2, 0, last, out firstBad), Is.Zero,
                $"after {lines} lines: {firstBad}");
            Assert.That(Mismatches(screen, font, Rows - 3, 0, "memos> echo " + last, out firstBad), Is.Zero, firstBad);
            Assert.That(Mismatches(screen, font, Rows - 1, 0, "memos> ", out firstBad), Is.Zero, firstBad);
        }
        File.Delete(socket);
    }

    // meminfo's first line is wider than the screen: serial keeps it whole, the screen breaks it at a space (each
    // row is the host's TextWrap of the serial line at 127 columns, hanging indent 2), so no word is cut.
    [Test]
    public void Lines_wider_than_the_screen_are_broken_at_spaces_on_it_and_kept_whole_on_serial()
    {
        PsfFont font = PsfFont.Load(FontPath);
        (ShellSession shell, QemuMonitor monitor, string socket) = Boot();
        using (shell)
        using (monitor)
        {
            shell.Run("clear");
            string meminfo = shell.Run("meminfo");
            string[] serial = meminfo.Split('\n');
            Assert.That(serial[0], Does.StartWith("physical: total "));
            Assert.That(serial[0].Length, Is.GreaterThan(127), "the first line is still wider than the screen");
            var rows = new System.Collections.Generic.List<string>();
            foreach (string line in serial)
                rows.AddRange(MemOS.Kernel.Shell.TextWrap.Wrap(line, 127, 2).Split('\n'));
            Assert.That(rows.Count, Is.LessThan(Rows - 2), meminfo);
            string lastRow = rows[^1];
            PpmImage screen = DumpUntil(monitor, i => Mismatches(i, font, rows.Count, 0, lastRow, out _) == 0);
            Assert.That(Mismatches(screen, font, 0, 0, "memos> meminfo", out string firstBad), Is.Zero, firstBad);
            for (int r = 0; r < rows.Count; r++)
            {
                // the whole row: its text, then blank to the edge (a cut word would spill over)
                string expected = rows[r].PadRight(128);
                Assert.That(Mismatches(screen, font, r + 1, 0, expected, out firstBad), Is.Zero,
                    $"row {r + 1} should read '{rows[r]}': {firstBad}\n{meminfo}");
            }
        }
        File.Delete(socket);
    }

    [Test]
    public void Pmm_map_draw_paints_kernel_and_free_frames_in_their_colours_and_vmmap_draw_shows_regions()
    {
        (ShellSession shell, QemuMonitor monitor, string socket) = Boot();
        using (shell)
        using (monitor)
        {
            string log = SerialLogText.Block(shell.SerialLog, shell.Qemu.ErrorLog);
            string pmm = shell.Run("pmm");
            Match free = Regex.Match(pmm, @"free (\d+),");
            Assert.That(free.Success, Is.True, log);
            long freeFrames = long.Parse(free.Groups[1].Value);
            Match cache = Regex.Match(pmm, @"frame cache: (\d+) of 64");
            Assert.That(cache.Success, Is.True, pmm);

            shell.Send("pmm map --draw");
            string said = shell.ReadUntil("press a key to return");
            Match g = Regex.Match(said,
                @"(\d+) frames as (\d+)x\d+-pixel blocks of (\d+) frame\(s\), (\d+) per row from \((\d+),(\d+)\)");
            Assert.That(g.Success, Is.True, said);
            int block = int.Parse(g.Groups[2].Value), perBlock = int.Parse(g.Groups[3].Value);
            int columns = int.Parse(g.Groups[4].Value), x0 = int.Parse(g.Groups[5].Value);
            int y0 = int.Parse(g.Groups[6].Value);
            long frames = long.Parse(g.Groups[1].Value);
            Assert.That(perBlock, Is.EqualTo(1), "128 MiB fits at one frame per block");

            string path = DumpPath();
            PpmImage picture = monitor.Screendump(path, MonitorTimeout);
            File.Delete(path);
            uint BlockColour(long frame) =>
                picture[x0 + (int)(frame % columns) * block, y0 + (int)(frame / columns) * block];
            // the kernel image is loaded at 1 MiB (frame 0x100)
            Assert.That(BlockColour(0x100), Is.EqualTo(KernelRgb), "the kernel image's first frame");
            Assert.That(BlockColour(0x101), Is.EqualTo(KernelRgb));
            Assert.That(BlockColour(0), Is.Not.EqualTo(FreeRgb), "the first MiB is reserved, never free");
            long drawnFree = 0, drawnCache = 0;
            for (long f = 0; f < frames; f++)
            {
                if (BlockColour(f) == FreeRgb) drawnFree++;
                if (BlockColour(f) == CacheRgb) drawnCache++;
            }
            // the picture is made a moment after `pmm` counted: the heap may have grown by a few frames since; the
            // frame cache's free frames have a colour of their own, as many as it holds
            Assert.That(drawnFree + drawnCache, Is.InRange(freeFrames - 256, freeFrames),
                $"pmm said {freeFrames} free");
            Assert.That(drawnCache, Is.InRange(1, 64), $"pmm said: {cache.Value}");

            shell.SendRaw("q");
            shell.ReadUntilPrompt();
            PpmImage back = DumpUntil(monitor, i => i[x0 + 0x100 % columns * block, y0 + 0x100 / columns * block]
                != KernelRgb);
            Assert.That(back[x0 + 0x100 % columns * block, y0 + 0x100 / columns * block], Is.Not.EqualTo(KernelRgb),
                "a key gives the screen back to the console");
            Assert.That(shell.Run("echo still here"), Is.EqualTo("still here"), log);

            // each live process's frames in a colour of its own (twins: pid 1 starts pids 2 and 3)
            // the twins print in the background at their own pace: everything read from here on is kept, so their
            // lines never reach the last command's output (they end the test, seen whole, below)
            var twins = new System.Text.StringBuilder(shell.Run("run twins 15000 &"));
            if (!twins.ToString().Contains("started pids")) twins.Append(shell.ReadUntil("started pids"));
            while (Regex.Matches(twins.ToString(), @"\): wrote 0x").Count < 2)
                twins.Append(shell.ReadUntil("): wrote 0x"));
            string vmmap2 = shell.Run("vmmap 2");
            twins.Append(vmmap2);
            Match pml4 = Regex.Match(vmmap2, @"PML4 0x([0-9a-f]+)");
            Assert.That(pml4.Success, Is.True, "vmmap 2 names its PML4");
            long pml4Frame = System.Convert.ToInt64(pml4.Groups[1].Value, 16) / 4096;
            shell.Send("pmm map --draw");
            twins.Append(shell.ReadUntil("press a key to return"));
            path = DumpPath();
            PpmImage processes = monitor.Screendump(path, MonitorTimeout);
            File.Delete(path);
            foreach (uint rgb in ProcessRgb)
            {
                int blocks = 0;
                for (long f = 0; f < frames; f++)
                    if (processes[x0 + (int)(f % columns) * block, y0 + (int)(f / columns) * block] == rgb) blocks++;
                Assert.That(blocks, Is.GreaterThan(10), $"frames of a twins process in 0x{rgb:x6}");
            }
            // a process's own page tables are its colour too (the PML4 of pid 2)
            Assert.That(processes[x0 + (int)(pml4Frame % columns) * block, y0 + (int)(pml4Frame / columns) * block],
                Is.AnyOf(ProcessRgb.Cast<object>().ToArray()), "pid 2's PML4 in a process colour");
            shell.SendRaw("q");
            twins.Append(shell.ReadUntilPrompt());

            // vmmap --draw: the framebuffer's own MMIO region is a bar in the MMIO colour, the heap's in immediate
            shell.Send("vmmap --draw");
            said = shell.ReadUntil("press a key to return");
            twins.Append(said);
            Assert.That(said, Does.Match(@"vmmap --draw: \d+ mappings, \d+ drawn"), said);
            path = DumpPath();
            PpmImage space = monitor.Screendump(path, MonitorTimeout);
            File.Delete(path);
            int mmio = 0, immediate = 0;
            for (int y = 0; y < space.Height; y++)
                for (int x = 0; x < space.Width; x++)
                {
                    if (space[x, y] == MmioRgb) mmio++;
                    if (space[x, y] == ImmediateRgb) immediate++;
                }
            Assert.That(mmio, Is.GreaterThan(100), "the framebuffer region's bar");
            Assert.That(immediate, Is.GreaterThan(100), "the kernel heap's and the console shadow's bars");
            shell.SendRaw("q");
            twins.Append(shell.ReadUntilPrompt());
            const string Done = "twins: one address, two values";
            if (!twins.ToString().Contains(Done))
                twins.Append(shell.ReadUntil(Done, TimeSpan.FromSeconds(60))).Append(shell.ReadUntil("\n"));
            Assert.That(Regex.Matches(twins.ToString(), @"\(its own\)").Count, Is.EqualTo(2), twins.ToString());
            Assert.That(shell.Run("echo back again"), Is.EqualTo("back again"), log);
        }
        File.Delete(socket);
    }

    [Test]
    public void Without_a_framebuffer_the_draw_options_fall_back_to_text()
    {
        (ShellSession shell, QemuMonitor monitor, string socket) = Boot("fb=off");
        using (shell)
        using (monitor)
        {
            Assert.That(shell.BootLog, Does.Contain("console: VGA text 80x25 (fb=off)"));
            string output = shell.Run("pmm map --draw");
            Assert.That(output, Does.StartWith("pmm map --draw: no framebuffer on this console"));
            Assert.That(output, Does.Contain("legend: . free"));
            output = shell.Run("vmmap --draw");
            Assert.That(output, Does.StartWith("vmmap --draw: no framebuffer on this console"));
            Assert.That(output, Does.Contain("[kernel heap]"));
            Assert.That(shell.Run("vmmap --bogus"), Does.Contain("unknown option '--bogus'"));
        }
        File.Delete(socket);
    }
}
