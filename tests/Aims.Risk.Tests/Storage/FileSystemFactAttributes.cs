using System.Diagnostics;

namespace Aims.Risk.Tests.Storage;

/// <summary>A test of Unix permission bits: skipped on Windows, which has none.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "Unix permission bits: not on Windows";
        }
    }
}

/// <summary>A test that makes a file immutable with <c>chattr +i</c>: skipped, with the reason, where that is not allowed.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ImmutableFileFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Reason = new(() => FileSystemAbilities.SkipReason(
        "chattr +i needs Linux, root (CAP_LINUX_IMMUTABLE) and a file system with the attribute (ext4, xfs, btrfs)",
        folder =>
        {
            var file = Path.Combine(folder, "probe");
            File.WriteAllText(file, "");
            return FileSystemAbilities.Runs("chattr", "+i", file) && FileSystemAbilities.Runs("chattr", "-i", file);
        }));

    public ImmutableFileFactAttribute()
    {
        Skip = Reason.Value;
    }
}

/// <summary>A test that mounts a tmpfs and turns it read-only: skipped, with the reason, without root and CAP_SYS_ADMIN.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ReadOnlyMountFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Reason = new(() => FileSystemAbilities.SkipReason(
        "mounting a read-only tmpfs needs Linux, root and CAP_SYS_ADMIN (a privileged container)",
        folder => FileSystemAbilities.Runs("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", folder)
                  && FileSystemAbilities.Runs("mount", "-o", "remount,ro", folder)
                  && FileSystemAbilities.Runs("umount", folder)));

    public ReadOnlyMountFactAttribute()
    {
        Skip = Reason.Value;
    }
}

internal static class FileSystemAbilities
{
    /// <summary>Null when <paramref name="probe"/> succeeds in a temporary folder on Linux, else <paramref name="reason"/>.</summary>
    public static string? SkipReason(string reason, Func<string, bool> probe)
    {
        if (!OperatingSystem.IsLinux())
        {
            return reason;
        }

        var folder = Directory.CreateTempSubdirectory("aims-risk-probe-").FullName;
        try
        {
            return probe(folder) ? null : reason;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or UnauthorizedAccessException)
        {
            return reason;
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Still mounted if the probe failed half-way: left for the system's temporary-file clean-up.
            }
        }
    }

    public static bool Runs(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        process.WaitForExit();
        return process.ExitCode == 0;
    }
}
