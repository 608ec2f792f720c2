#if canImport(Glibc)
import Glibc
#endif

/// Gives the pages a load freed back to the system.
enum FreedMemory {
    #if canImport(Glibc)
    /// glibc's `malloc_trim` (`malloc.h` is not part of the Glibc module).
    private static let trim: (@convention(c) (Int) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
    }()
    #endif

    /// A load parses and reads files on several threads, and glibc keeps what a thread frees in
    /// that thread's arena: the parse trees of 10,000 files, freed when the load ends, would
    /// stay resident while the planning that follows (on another thread) allocates afresh,
    /// raising the peak. Trimming returns them (a few milliseconds).
    static func release() {
        #if canImport(Glibc)
        _ = trim?(0)
        #endif
    }
}
