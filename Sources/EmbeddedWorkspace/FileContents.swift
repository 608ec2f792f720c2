import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes derived files (job snapshots, a mini-batch's rows) without an fsync per file.
///
/// Foundation's `Data.write` syncs every file it writes; for thousands of small files that is
/// seconds of disk waits. These files are derived (from a commit, from a worker's reply) and
/// made visible only by something later (a rename, a record in the state store), so a file cut
/// short by a crash is never taken for a whole one.
public enum FileContents {
    /// Writes `bytes` to `path`, replacing any file there (mode 0644, or 0755 when executable).
    public static func write(_ bytes: [UInt8], to path: String, executable: Bool = false) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, executable ? 0o755 : 0o644)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            guard count > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            written += count
        }
        // O_CREAT's mode is filtered by the umask, and an existing file keeps its old mode.
        if executable { fchmod(descriptor, 0o755) }
    }
}
