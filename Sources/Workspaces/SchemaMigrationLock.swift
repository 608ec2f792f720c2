#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Makes schema migrations of a state directory's SQLite files one process at a time.
///
/// A migrator reads which migrations ran, then runs the rest, each in its own transaction: two
/// processes opening a fresh state directory together (a running `sync` and a `history`
/// beside it) both read "none ran" and the second fails on `CREATE TABLE`. An exclusive
/// `flock` on the directory itself spans the read and the writes, leaves no file behind, and
/// the kernel drops it when a process dies.
public enum SchemaMigrationLock {
    /// Runs `body` while holding the lock on `directory`. When the directory cannot be opened
    /// the body runs unlocked: opening the database will then fail with a message that names it.
    public static func whileHeld<T, E: Error>(in directory: String, _ body: () throws(E) -> T) throws(E) -> T {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return try body() }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 && errno == EINTR {}
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }
}
