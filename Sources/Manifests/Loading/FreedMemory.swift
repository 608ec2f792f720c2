#if canImport(Glibc)
import Glibc
#endif
import Dispatch

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
    ///
    /// `garbage` (what the load no longer needs) is freed first, on a background thread, so
    /// the caller does not wait for millions of small frees.
    static func release(dropping garbage: sending Any) {
        let doomed = Doomed(garbage)
        DispatchQueue.global(qos: .utility).async {
            doomed.drop()
            #if canImport(Glibc)
            _ = trim?(0)
            #endif
        }
    }
}

/// Holds what is to be freed until the background thread drops it.
private final class Doomed: @unchecked Sendable {
    private var value: Any?
    init(_ value: Any) { self.value = value }
    /// Frees the value here, on the calling thread.
    func drop() { value = nil }
}
