#if canImport(Glibc)
    import Glibc
#endif

/// How glibc's allocator is set up for mlgitops, before anything is allocated.
public enum AllocatorSettings {
    /// Serves blocks of 256 KiB and more from their own mappings, returned to the system when
    /// freed. By default glibc raises that threshold each time such a block is freed, after
    /// which large buffers (a snapshot's blob arrays, a plan's action list) come from the heaps
    /// of the threads that made them and stay resident when freed. And one heap per core plus
    /// the main thread's, not glibc's eight per core: the loader's workers are one per core,
    /// and every further heap holds freed pages of its own. With blobs read on every core, a
    /// 10,000-manifest plan peaked at 155 MiB; with both settings, 146-147 MiB
    /// (docs/performance.md).
    public static func apply() {
        #if canImport(Glibc)
            // `mallopt` is declared in malloc.h, which the Glibc module does not include.
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
            let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
            let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD
            let arenaMax: Int32 = -8  // M_ARENA_MAX
            _ = mallopt(mmapThreshold, 256 * 1024)
            _ = mallopt(arenaMax, Int32(clamping: sysconf(Int32(_SC_NPROCESSORS_ONLN)) + 1))
        #endif
    }
}
