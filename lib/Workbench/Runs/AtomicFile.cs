using System.Text;

namespace Workbench.Runs;

/// <summary>
/// Write-then-rename file writes: a reader sees either the old file or the whole new one, never a torn one.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes text to a temporary sibling, flushes it to disk, then renames it over <paramref name="path"/>.</summary>
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, Encoding.UTF8.GetBytes(text));

    /// <summary>Writes bytes to a temporary sibling, flushes it to disk, then renames it over <paramref name="path"/>.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string temp = $"{path}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }
}
