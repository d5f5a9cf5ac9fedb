using System.Runtime.InteropServices;

namespace Aims.Risk.Core.Storage;

/// <summary>
/// Which file a path names and whether it may be written, from the operating system, without opening it. .NET has no
/// API for a file's inode, so on Linux this asks <c>statx</c> (whose buffer has one layout on every architecture) and
/// <c>access</c>; on other systems the identity falls back to the creation time and writability to the permission bits
/// or the read-only attribute (Windows does not let SQLite's open files be deleted or replaced at all).
/// </summary>
internal static class FileProbe
{
    private const int AtFdCwd = -100;
    private const int WriteOk = 2;
    private const uint StatxType = 0x1;
    private const uint StatxMode = 0x2;
    private const uint StatxIno = 0x100;
    private const ulong StatxAttrImmutable = 0x10;
    private const ulong StatxAttrAppend = 0x20;
    private const int ErrnoNoEntry = 2;
    private const int ErrnoNotDirectory = 20;
    private const int ErrnoReadOnlyFileSystem = 30;
    private const int ErrnoPermission = 1;
    private const int ErrnoAccess = 13;

    private const UnixFileMode AnyWrite = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    private static bool s_statxMissing;

    /// <summary>What the path names now; <see cref="FileFacts.Exists"/> is false when nothing does.</summary>
    public static FileFacts Probe(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsLinux() && !s_statxMissing)
        {
            try
            {
                if (NativeMethods.statx(AtFdCwd, Utf8(path), 0, StatxType | StatxMode | StatxIno, out var buffer) == 0)
                {
                    return new FileFacts(
                        Exists: true,
                        new FileIdentity(((ulong)buffer.DevMajor << 32) | buffer.DevMinor, buffer.Inode, CreatedTicks: 0),
                        (UnixFileMode)(buffer.Mode & 0xFFF),
                        Attributes: buffer.Attributes & (StatxAttrImmutable | StatxAttrAppend));
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno is ErrnoNoEntry or ErrnoNotDirectory)
                {
                    return FileFacts.Missing;
                }
            }
            catch (EntryPointNotFoundException)
            {
                // A C library older than statx (glibc before 2.28, musl before 1.2.5): the portable fallback below.
                s_statxMissing = true;
            }
        }

        return ProbePortably(path);
    }

    /// <summary>Why the process should not write <paramref name="path"/>, or null when it may.</summary>
    /// <remarks>
    /// The kernel lets root write a file whatever its permission bits say, so a file or folder without any write bit
    /// counts as read-only here whoever the worker runs as: an operator's <c>chmod a-w</c> means "do not write".
    /// <c>access</c> adds what the bits do not show: a read-only file system, an immutable file, and a file the
    /// worker's own user may not write.
    /// </remarks>
    public static string? WhyNotWritable(string path, FileFacts facts)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!facts.Exists)
        {
            return null;
        }

        if ((facts.Attributes & StatxAttrImmutable) != 0)
        {
            return "it is immutable (chattr +i)";
        }

        if ((facts.Attributes & StatxAttrAppend) != 0)
        {
            return "it is append-only (chattr +a)";
        }

        if (OperatingSystem.IsWindows())
        {
            return File.Exists(path) && (File.GetAttributes(path) & FileAttributes.ReadOnly) != 0 ? "it has the read-only attribute" : null;
        }

        if (facts.Mode is { } mode && (mode & AnyWrite) == 0)
        {
            return $"it has no write permission (mode {Octal(mode)})";
        }

        if (NativeMethods.access(Utf8(path), WriteOk) == 0)
        {
            return null;
        }

        return Marshal.GetLastPInvokeError() switch
        {
            ErrnoReadOnlyFileSystem => "it is on a read-only file system",
            ErrnoPermission => "the file system refuses writes to it (EPERM)",
            ErrnoAccess => $"the worker's user may not write it (mode {(facts.Mode is { } m ? Octal(m) : "unknown")})",
            ErrnoNoEntry or ErrnoNotDirectory => null,
            var errno => $"access() failed with errno {errno}",
        };
    }

    private static FileFacts ProbePortably(string path)
    {
        FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
        if (!info.Exists)
        {
            return FileFacts.Missing;
        }

        return new FileFacts(
            Exists: true,
            new FileIdentity(Device: 0, Inode: 0, info.CreationTimeUtc.Ticks),
            OperatingSystem.IsWindows() ? null : info.UnixFileMode,
            Attributes: 0);
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    private static byte[] Utf8(string path)
    {
        var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(path) + 1];
        _ = System.Text.Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }

    /// <summary>The kernel's <c>struct statx</c>: the same 256 bytes on every Linux architecture.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(8)]
        public ulong Attributes;

        [FieldOffset(28)]
        public ushort Mode;

        [FieldOffset(32)]
        public ulong Inode;

        [FieldOffset(136)]
        public uint DevMajor;

        [FieldOffset(140)]
        public uint DevMinor;
    }

    private static class NativeMethods
    {
#pragma warning disable SYSLIB1054 // The arguments are blittable (a byte array, an int, a struct): nothing to generate.
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int statx(int dirfd, byte[] path, int flags, uint mask, out StatxBuffer buffer);

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int access(byte[] path, int mode);
#pragma warning restore SYSLIB1054
    }
}

/// <summary>Which file a path named when it was looked at: the same file keeps it, another file has another.</summary>
/// <param name="Device">The file system's device number (Linux), else 0.</param>
/// <param name="Inode">The file's inode number (Linux), else 0.</param>
/// <param name="CreatedTicks">Where device and inode are not known: the file's creation time.</param>
internal readonly record struct FileIdentity(ulong Device, ulong Inode, long CreatedTicks)
{
    public override string ToString() =>
        Inode != 0 ? $"device {Device >> 32}:{Device & 0xFFFF_FFFF}, inode {Inode}" : $"created {new DateTime(CreatedTicks, DateTimeKind.Utc):O}";
}

/// <param name="Exists">False when nothing is at the path.</param>
/// <param name="Identity">Which file it is.</param>
/// <param name="Mode">Its permission bits, where the system has them.</param>
/// <param name="Attributes">Linux's immutable and append-only attributes (statx), else 0.</param>
internal readonly record struct FileFacts(bool Exists, FileIdentity Identity, UnixFileMode? Mode, ulong Attributes)
{
    public static FileFacts Missing { get; } = new(false, default, null, 0);
}
