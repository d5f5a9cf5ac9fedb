using System.Text;

namespace Aims.Risk.Core.IO;

/// <summary>
/// Reads a file named by input (the rule set folder, the command line's arguments): a name may be a dangling symbolic
/// link, a FIFO or a device (reading either would block for ever or never end), or a file far larger than expected.
/// Nothing is opened that is not a regular, non-empty file, and no more than the limit is ever read.
/// </summary>
public static class BoundedFile
{
    /// <summary>The default limit: the largest rule, criteria, manifest or test file read.</summary>
    public const int MaxBytes = 1 << 20;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The file's text (strict UTF-8), or null with <paramref name="problem"/> saying why it cannot be read.</summary>
    public static string? TryRead(string path, out string? problem, int maxBytes = MaxBytes)
    {
        try
        {
            return TryReadBytes(path, out problem, maxBytes) is { } bytes ? StrictUtf8.GetString(bytes) : null;
        }
        catch (DecoderFallbackException ex)
        {
            problem = $"cannot be read: {ex.Message}";
            return null;
        }
    }

    /// <summary>The file's bytes, or null with <paramref name="problem"/> saying why it cannot be read.</summary>
    public static byte[]? TryReadBytes(string path, out string? problem, int maxBytes = MaxBytes)
    {
        FileInfo file;
        try
        {
            // A symbolic link's own entry says nothing of its target: look at the file it finally leads to.
            var entry = new FileInfo(path);
            file = entry.LinkTarget is null ? entry : entry.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? entry;
            if (!file.Exists)
            {
                problem = entry.LinkTarget is { } target && !Directory.Exists(path)
                    ? $"is a symbolic link to '{target}', which does not exist"
                    : Directory.Exists(path) ? "is a folder, not a file" : "does not exist";
                return null;
            }

            // FIFOs, sockets and devices report a length of 0, as does an empty file: none of them can be a rule file,
            // and only a regular file may be opened (opening a FIFO waits for a writer; a device may never end).
            if (file.Length == 0)
            {
                problem = "is empty, or not a regular file (a FIFO, a socket or a device)";
                return null;
            }

            if (file.Length > maxBytes)
            {
                problem = $"is {file.Length} bytes; the limit is {maxBytes / 1024} KiB";
                return null;
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.SequentialScan);
            var buffer = new byte[maxBytes + 1];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = stream.Read(buffer, length, buffer.Length - length)) > 0)
            {
                length += read;
            }

            if (length > maxBytes)
            {
                problem = $"grew beyond {maxBytes / 1024} KiB while it was read";
                return null;
            }

            problem = null;
            return buffer[..length];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot be read: {ex.Message}";
            return null;
        }
    }
}
